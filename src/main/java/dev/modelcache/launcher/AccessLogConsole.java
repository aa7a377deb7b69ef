package dev.modelcache.launcher;

import dev.modelcache.metrics.AccessLog;
import dev.modelcache.metrics.AccessLogFormatter;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.logging.StreamHandler;

/**
 * Under a launcher, the access log ({@value AccessLog#LOGGER}) gets a console handler of its own with the one-line
 * {@link AccessLogFormatter}, and stops handing its records to the root logger, whose {@code SimpleFormatter} would
 * print each exchange again on two lines. Other loggers keep JUL's defaults. Nothing is changed when the operator
 * configured java.util.logging ({@code java.util.logging.config.file} or {@code .class}), nor in a container: this
 * runs from the launchers only, where the JVM and its logging are ModelCache's own.
 * <p>
 * The handler writes to standard error without flushing after each record, as JUL's {@code ConsoleHandler} does:
 * the access log's one writer thread flushes once it has written what was queued, so a busy proxy makes one write
 * for many lines.
 */
final class AccessLogConsole {
    /** JUL holds loggers weakly: the configured one is kept here so that its handler stays. */
    private static Logger configured;

    private AccessLogConsole() {
    }

    /**
     * To standard error, beside the other log records, unless the operator configured JUL; true when installed (also
     * by an earlier call: a second launcher in this JVM does not add a second handler).
     */
    static synchronized boolean install() {
        if (System.getProperty("java.util.logging.config.file") != null
                || System.getProperty("java.util.logging.config.class") != null) {
            return false;
        }
        if (configured == null) {
            StreamHandler console = new StandardError();
            console.setLevel(Level.ALL);
            Logger logger = Logger.getLogger(AccessLog.LOGGER);
            logger.addHandler(console);
            logger.setUseParentHandlers(false);
            configured = logger;
        }
        return true;
    }

    /** Standard error, flushed when the access log's writer asks (and never closed: the JVM's stream stays open). */
    private static final class StandardError extends StreamHandler {
        StandardError() {
            super(System.err, new AccessLogFormatter());
        }

        @Override
        public synchronized void close() {
            flush();
        }
    }
}
