package dev.modelcache.servlet;

import dev.modelcache.ModelCache;
import dev.modelcache.config.Config;
import dev.modelcache.config.Settings;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.function.UnaryOperator;

/**
 * Starts ModelCache with the web application and stops it with it. Configuration is read and validated here, so
 * a bad value stops the application from starting at all, with a message naming the key, instead of leaving a
 * servlet that fails on every request.
 */
public final class AppLifecycle implements ServletContextListener {
    private static final Logger LOG = System.getLogger(AppLifecycle.class.getName());
    /**
     * The servlet context attribute under which an embedding launcher may put a {@code UnaryOperator<Settings>}: a
     * layer it adds to the configuration (the local launcher's provider keys from the environment). A container
     * sets none, so a deployed WAR reads its configuration as the container gives it.
     */
    public static final String SETTINGS_LAYER = AppLifecycle.class.getName() + ".settingsLayer";

    @Override
    public void contextInitialized(ServletContextEvent event) {
        Config config;
        ModelCache app;
        try {
            config = Config.from(settings(event.getServletContext()));
            app = ModelCache.start(config); // builds the provider table, which checks types and model globs
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "ModelCache cannot start: " + e.getMessage());
            throw e;
        }
        event.getServletContext().setAttribute(ModelCache.ATTRIBUTE, app);
        LOG.log(Level.INFO, "ModelCache started: cache in " + config.cache().dir() + ", providers "
                + app.providers().providers() + ", default " + config.providers().defaultProvider());
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
