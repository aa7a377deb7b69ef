package dev.modelcache.launcher;

import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Keeps what clients send out of the launchers' log. Tomcat logs some malformed input whole, at INFO, through its
 * {@code org.apache.tomcat.util.log.UserDataHelper}: an invalid {@code Cookie} header (the cookie parser,
 * {@code org.apache.tomcat.util.http.parser.Cookie}: "A cookie header was received [...] that contained an invalid
 * cookie"), and a header line or request line it rejects ({@code Http11Processor}: "Error parsing HTTP request
 * header", with the line in the exception). A cookie or a header may hold a key, and credentials never appear in
 * ModelCache's logs. The client still gets its 400 in the proxy's error shape; only the echo in the log goes.
 *
 * <p>{@value #PROPERTY}{@code =NONE} turns every one of them off. Tomcat reads it when it makes a helper: for each
 * connection processor (so setting it before Tomcat starts is enough there), but once per JVM for the cookie parser,
 * whose helper is static. So the cookie parser's own logger is switched off as well, which also holds when the parser
 * was used before (a second launcher in one JVM); the loggers are kept here, since {@code java.util.logging} holds
 * them weakly and would forget the level.
 *
 * <p>In a container the application cannot do this for the container; docs/DEPLOYMENT.md says what line to add.
 */
final class TomcatUserData {
    /** Tomcat's switch for logging what clients sent (INFO_THEN_DEBUG by default). */
    static final String PROPERTY = "org.apache.juli.logging.UserDataHelper.CONFIG";
    /** The loggers through which Tomcat echoes client input; held so that their level stays. */
    private static final List<Logger> SILENCED = List.of(Logger.getLogger("org.apache.tomcat.util.http.parser.Cookie"));

    private TomcatUserData() {
    }

    /** Before Tomcat starts: no client input in its log. */
    static void silence() {
        System.setProperty(PROPERTY, "NONE");
        SILENCED.forEach(logger -> logger.setLevel(Level.OFF));
    }
}
