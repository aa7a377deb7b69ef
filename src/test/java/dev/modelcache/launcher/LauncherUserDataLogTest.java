package dev.modelcache.launcher;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelcache.config.Settings;
import dev.modelcache.support.LogCapture;
import dev.modelcache.support.RawClient;
import java.nio.file.Path;
import java.text.MessageFormat;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a client sent never reaches the launcher's log through Tomcat: by default Tomcat logs a whole invalid
 * {@code Cookie} header, and the whole line of a header it rejects, at INFO, and either may hold a key.
 */
class LauncherUserDataLogTest {
    private static final String SECRET = "sk-proj-CookieSecret0123456789";

    @TempDir
    Path cacheDir;
    final LogCapture capture = new LogCapture();
    final Logger root = Logger.getLogger("");
    Level rootLevel;
    Launcher launcher;

    @BeforeEach
    void start() throws Exception {
        rootLevel = root.getLevel();
        // Tomcat's default level: what it logs there goes to every launcher's console. (At FINE it dumps whole
        // requests on purpose: an operator's choice for debugging.)
        root.setLevel(Level.INFO);
        root.addHandler(capture);
        System.setProperty("modelcache.cache.dir", cacheDir.toString());
        try {
            launcher = Launcher.start(0, ServerSettings.from(Settings.of(Map.of())), Path.of("webapp-config/context.xml"),
                    Path.of("src/main/webapp"), Map.of());
        } finally {
            System.clearProperty("modelcache.cache.dir");
        }
    }

    @AfterEach
    void stop() {
        if (launcher != null) {
            launcher.stop();
        }
        root.removeHandler(capture);
        root.setLevel(rootLevel);
    }

    @Test
    void anInvalidCookieHeaderIsNotLogged() throws Exception {
        try (RawClient client = new RawClient(launcher.port())) {
            // A double quote inside an unquoted value makes the cookie invalid: Tomcat would log it whole.
            String answer = client.send("GET /_cache/health HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: key=" + SECRET
                    + "\"{invalid;;; other=1\r\nConnection: close\r\n\r\n").readAnswer();
            assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
        }
        assertNotLogged(SECRET);
    }

    @Test
    void aRejectedHeaderLineIsNotLogged() throws Exception {
        try (RawClient client = new RawClient(launcher.port())) {
            String answer = client.send("GET /_cache/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Api-Key: " + SECRET
                    + "\u0001\r\nConnection: close\r\n\r\n").endOutput().readAnswer();
            assertTrue(answer.startsWith("HTTP/1.1 400"), answer);
        }
        assertNotLogged(SECRET);
    }

    private void assertNotLogged(String secret) {
        for (LogRecord record : capture.records) {
            String text = record.getMessage() == null ? "" : record.getParameters() == null ? record.getMessage()
                    : MessageFormat.format(record.getMessage().replace("'", "''"), record.getParameters());
            for (Throwable t = record.getThrown(); t != null; t = t.getCause()) {
                text += " | " + t;
            }
            assertFalse(text.contains(secret), record.getLoggerName() + " logged what the client sent: " + text);
        }
    }
}
