package dev.modelcache.servlet;

import dev.modelcache.ModelCache;
import dev.modelcache.config.Config;
import dev.modelcache.config.Settings;
import dev.modelcache.config.UnknownSettings;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

/**
 * Starts ModelCache with the web application and stops it with it. Configuration is read and validated here (an
 * unknown setting's name included, {@link UnknownSettings}), so a bad value stops the application from starting at
 * all, with a one-line message naming the key, instead of leaving a servlet that fails on every request. Started,
 * it logs the {@link StartBanner} once.
 */
public final class AppLifecycle implements ServletContextListener {
    private static final Logger LOG = System.getLogger(AppLifecycle.class.getName());
    /**
     * The servlet context attribute under which an embedding launcher may put a {@code UnaryOperator<Settings>}: a
     * layer it adds to the configuration (the local launcher's provider keys from the environment). A container
     * sets none, so a deployed WAR reads its configuration as the container gives it.
     */
    public static final String SETTINGS_LAYER = AppLifecycle.class.getName() + ".settingsLayer";
    /**
     * The servlet context attribute under which an embedding launcher may put an
     * {@code AtomicReference<RuntimeException>}: a start that fails puts its reason there and logs nothing, since the
     * launcher prints it itself, once, on one line. In a container the reason is logged here, on one line.
     */
    public static final String FAILURE = AppLifecycle.class.getName() + ".failure";

    @Override
    public void contextInitialized(ServletContextEvent event) {
        ServletContext context = event.getServletContext();
        ModelCache app;
        try {
            Settings settings = settings(context);
            UnknownSettings.check(settings);
            app = ModelCache.start(Config.from(settings)); // builds the provider table, which checks types and model globs
        } catch (RuntimeException e) {
            if (context.getAttribute(FAILURE) instanceof AtomicReference<?> reported) {
                @SuppressWarnings("unchecked")
                AtomicReference<RuntimeException> failure = (AtomicReference<RuntimeException>) reported;
                failure.set(e);
            } else {
                LOG.log(Level.ERROR, "ModelCache cannot start: " + oneLine(e));
            }
            throw e;
        }
        context.setAttribute(ModelCache.ATTRIBUTE, app);
        LOG.log(Level.INFO, StartBanner.of(app, context.getContextPath()));
    }

    /** The reason of a failed start as one line: the message (a ConfigException's names its key), or the type. */
    public static String oneLine(Throwable e) {
        String message = e.getMessage() == null ? e.toString() : e.getMessage();
        return message.replaceAll("\\s*[\\r\\n]+\\s*", " ");
    }

    /** The container's settings, with the layer an embedding launcher added, if any. */
    @SuppressWarnings("unchecked")
    static Settings settings(ServletContext context) {
        Settings settings = Settings.fromEnvironment();
        return context.getAttribute(SETTINGS_LAYER) instanceof UnaryOperator<?> layer
                ? ((UnaryOperator<Settings>) layer).apply(settings) : settings;
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        Object app = event.getServletContext().getAttribute(ModelCache.ATTRIBUTE);
        if (app instanceof ModelCache running) {
            event.getServletContext().removeAttribute(ModelCache.ATTRIBUTE);
            running.close();
            LOG.log(Level.INFO, "ModelCache stopped; the cache is written to " + running.config().cache().dir());
        }
    }
}
