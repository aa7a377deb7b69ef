package dev.modelcache;

import dev.modelcache.config.Config;
import dev.modelcache.config.Settings;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;

/**
 * Starts ModelCache with the web application and stops it with it. Configuration is read and validated here, so
 * a bad value stops the application from starting at all, with a message naming the key, instead of leaving a
 * servlet that fails on every request.
 */
public final class AppLifecycle implements ServletContextListener {
    private static final Logger LOG = System.getLogger(AppLifecycle.class.getName());

    @Override
    public void contextInitialized(ServletContextEvent event) {
        Config config;
        ModelCache app;
        try {
            config = Config.from(Settings.fromEnvironment());
            app = ModelCache.start(config); // builds the provider table, which checks types and model globs
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "ModelCache cannot start: " + e.getMessage());
            throw e;
        }
        event.getServletContext().setAttribute(ModelCache.ATTRIBUTE, app);
        LOG.log(Level.INFO, "ModelCache started: cache in " + config.cache().dir() + ", providers "
                + app.providers().providers() + ", default " + config.providers().defaultProvider());
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
