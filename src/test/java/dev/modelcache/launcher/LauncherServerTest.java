package dev.modelcache.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelcache.config.ConfigException;
import dev.modelcache.config.Settings;
import dev.modelcache.support.RawClient;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's connector: where it listens ({@code host}, loopback unless opened), how it is sized, and that
 * errors Tomcat raises itself come back in the proxy's error shape without server version or stack trace. No test
 * here sends anything to an address other than loopback.
 */
public class LauncherServerTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path cacheDir;

    @Test
    void listensOnLoopbackOnlyByDefault() throws Exception {
        Launcher launcher = start(ServerSettings.from(Settings.of(Map.of())));
        try {
            InetAddress bound = (InetAddress) launcher.connector().getProperty("address");
            assertEquals("127.0.0.1", bound.getHostAddress());
            assertTrue(bound.isLoopbackAddress());
        } finally {
            launcher.stop();
        }
    }

    @Test
    void theHostSettingOpensItToEveryInterface() throws Exception {
        Launcher launcher = start(ServerSettings.from(Settings.of(Map.of("host", "0.0.0.0"))));
        try {
            InetAddress bound = (InetAddress) launcher.connector().getProperty("address");
            assertTrue(bound.isAnyLocalAddress(), bound.toString());
        } finally {
            launcher.stop();
        }
    }

    @Test
    void theConnectorIsSizedForLongStreamsAndConfigurable() throws Exception {
        ServerSettings defaults = ServerSettings.from(Settings.of(Map.of()));
        assertEquals(ServerSettings.DEFAULT_MAX_THREADS, defaults.maxThreads());
        assertTrue(defaults.maxThreads() > 200, "more than Tomcat's 200: each live stream holds a thread");
        Launcher launcher = start(ServerSettings.from(Settings.of(Map.of("server/maxThreads", "12", "server/maxConnections", "300"))));
        try {
            assertEquals(12, launcher.connector().getProperty("maxThreads"));
            assertEquals(300, launcher.connector().getProperty("maxConnections"));
        } finally {
            launcher.stop();
        }
    }

    @Test
    void aBusyKeepAliveConnectionIsNeverClosedForItsNumberOfRequests() throws Exception {
        Launcher launcher = start(ServerSettings.from(Settings.of(Map.of())));
        try {
            try (RawClient client = new RawClient(launcher.port())) {
                for (int i = 0; i < 101; i++) {
                    String answer = client.send("GET /_cache/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").readAnswer();
                    assertTrue(answer.startsWith("HTTP/1.1 200"), "request " + (i + 1) + ": " + answer);
                    String head = answer.substring(0, answer.indexOf("\r\n\r\n")).toLowerCase(java.util.Locale.ROOT);
                    assertFalse(head.contains("connection: close"), "closed after request " + (i + 1) + ": " + head);
                }
            }
            // Tomcat's default (100) closes a busy client's connection every 100 requests: a reconnect under load.
            assertEquals(-1, launcher.connector().getProperty("maxKeepAliveRequests"));
        } finally {
            launcher.stop();
        }
    }

    @Test
    void badServerSettingsNameTheirKey() {
        assertEquals("host", assertThrows(ConfigException.class,
                () -> ServerSettings.from(Settings.of(Map.of("host", "my laptop")))).key());
        assertEquals("host", assertThrows(ConfigException.class,
                () -> ServerSettings.from(Settings.of(Map.of("host", "300.1.2.3")))).key());
        assertEquals("server/maxThreads", assertThrows(ConfigException.class,
                () -> ServerSettings.from(Settings.of(Map.of("server/maxThreads", "many")))).key());
    }

    @Test
    void aHeaderTooLargeIsAnsweredInTheErrorShapeWithoutServerVersion() throws Exception {
        Launcher launcher = start(ServerSettings.from(Settings.of(Map.of())));
        try (RawClient client = new RawClient(launcher.port())) {
            String answer = client.send("GET /_cache/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + "a".repeat(64 * 1024)
                    + "\r\n\r\n").readAnswer();
            assertErrorShape(400, answer);
        } finally {
            launcher.stop();
        }
    }

    @Test
    void aBadEscapeInThePathIsAnsweredInTheErrorShapeWithoutServerVersion() throws Exception {
        Launcher launcher = start(ServerSettings.from(Settings.of(Map.of())));
        try (RawClient client = new RawClient(launcher.port())) {
            String answer = client.send("GET /v1/models%zz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").readAnswer();
            assertErrorShape(400, answer);
        } finally {
            launcher.stop();
        }
    }

    /** An answer in the proxy's error shape with {@code status}, without server version, stack trace or HTML. */
    public static void assertErrorShape(int status, String answer) throws Exception {
        assertTrue(answer.startsWith("HTTP/1.1 " + status), answer);
        assertFalse(answer.contains("Apache Tomcat"), answer);
        assertFalse(answer.contains("Exception"), answer);
        assertFalse(answer.toLowerCase().contains("<html"), answer);
        assertTrue(answer.toLowerCase().contains("content-type: application/json"), answer);
        JsonNode error = JSON.readTree(answer.substring(answer.indexOf("\r\n\r\n") + 4)).path("error");
        assertTrue(error.path("message").isTextual(), answer);
        assertEquals("invalid_request_error", error.path("type").asText(), answer);
        assertTrue(error.has("param") && error.path("param").isNull(), answer);
        assertEquals("invalid_request", error.path("code").asText(), answer);
    }

    private Launcher start(ServerSettings server) throws Exception {
        System.setProperty("modelcache.cache.dir", cacheDir.toString());
        try {
            // No provider keys from this machine's environment: a developer's OPENAI_API_KEY must not change what is tested.
            return Launcher.start(0, server, Path.of("webapp-config/context.xml"), Path.of("src/main/webapp"), Map.of());
        } finally {
            System.clearProperty("modelcache.cache.dir");
        }
    }
}
