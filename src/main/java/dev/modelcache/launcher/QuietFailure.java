package dev.modelcache.launcher;

import dev.modelcache.servlet.AppLifecycle;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Filter;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A failed start said once, on one line. When the application cannot start (a configuration error), Tomcat logs the
 * listener's exception with its stack trace and two lines of its own after it; the launcher prints the reason
 * instead, as the one line of its exit. While Tomcat starts, this holds the reason {@link AppLifecycle} reports
 * ({@link AppLifecycle#FAILURE}) and drops exactly those records: the one carrying that exception on the context's
 * logger, and the SEVERE summary lines of {@code StandardContext} after it. Anything else Tomcat says is kept.
 */
final class QuietFailure implements AutoCloseable {
    /** The logger of the root context's container, as Tomcat names it ({@code Tomcat#getLoggerName}). */
    private static final String CONTEXT_LOGGER = "org.apache.catalina.core.ContainerBase.[Tomcat].[localhost].[/]";
    private static final String STANDARD_CONTEXT = "org.apache.catalina.core.StandardContext";

    private final AtomicReference<RuntimeException> failure = new AtomicReference<>();
    // Strong references: JUL keeps loggers weakly, and a collected one would lose its filter.
    private final Logger context = Logger.getLogger(CONTEXT_LOGGER);
    private final Logger standardContext = Logger.getLogger(STANDARD_CONTEXT);
    private final Filter contextBefore = context.getFilter();
    private final Filter standardBefore = standardContext.getFilter();

    QuietFailure() {
        context.setFilter(record -> !carries(record.getThrown()) && (contextBefore == null || contextBefore.isLoggable(record)));
        standardContext.setFilter(record -> !(failure.get() != null && record.getLevel().intValue() >= Level.SEVERE.intValue())
                && (standardBefore == null || standardBefore.isLoggable(record)));
    }

    /** What {@link AppLifecycle} fills in: put it in the servlet context under {@link AppLifecycle#FAILURE}. */
    AtomicReference<RuntimeException> holder() {
        return failure;
    }

    /** The reason the application did not start, if it reported one. */
    RuntimeException reason() {
        return failure.get();
    }

    private boolean carries(Throwable thrown) {
        RuntimeException reported = failure.get();
        for (Throwable t = thrown; reported != null && t != null; t = t.getCause()) {
            if (t == reported) {
                return true;
            }
        }
        return false;
    }

    /** Puts the loggers' filters back: after the start, Tomcat's messages are its own again. */
    @Override
    public void close() {
        context.setFilter(contextBefore);
        standardContext.setFilter(standardBefore);
    }
}
