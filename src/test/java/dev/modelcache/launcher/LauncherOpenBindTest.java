package dev.modelcache.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelcache.config.Settings;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.apache.catalina.LifecycleException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No open door by accident: a launcher listening beyond loopback without {@code admin/token} guards its admin
 * endpoints with a token it makes once and keeps in an owner-only file of the cache folder; on loopback nothing
 * changes. Tests connect over loopback only (0.0.0.0 includes it).
 */
class LauncherOpenBindTest {
    private final HttpClient client = HttpClient.newHttpClient();

    @TempDir
    Path cacheDir;

    @Test
    void listeningOnEveryInterfaceWithoutATokenMakesOneAndTheAdminEndpointsRequireIt() throws Exception {
        Launcher launcher = start("0.0.0.0", null);
        String token;
        try {
            Path file = cacheDir.resolve(OpenBindToken.FILE_NAME);
            assertEquals(file, launcher.adminTokenFile().orElseThrow());
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
            token = Files.readString(file).trim();
            assertTrue(token.matches("[0-9a-f]{64}"), "32 random bytes in hex");
            assertEquals(token, launcher.app().config().admin().token());
            assertEquals(401, get(launcher, "/_cache/stats", null), "refused without the token");
            assertEquals(401, get(launcher, "/_cache/stats", "not-the-token"));
            assertEquals(200, get(launcher, "/_cache/stats", token));
            assertEquals(200, get(launcher, "/_cache/health", null), "health stays open");
        } finally {
            launcher.stop();
        }
        Launcher again = start("0.0.0.0", null);
        try {
            assertEquals(token, again.app().config().admin().token(), "a restart keeps the token");
            assertEquals(200, get(again, "/_cache/stats", token));
        } finally {
            again.stop();
        }
    }

    @Test
    void aConfiguredTokenIsUsedAndNoFileIsMade() throws Exception {
        Launcher launcher = start("0.0.0.0", "a-token-the-operator-chose-0123456789");
        try {
            assertTrue(launcher.adminTokenFile().isEmpty());
            assertFalse(Files.exists(cacheDir.resolve(OpenBindToken.FILE_NAME)));
            assertEquals(401, get(launcher, "/_cache/stats", null));
            assertEquals(200, get(launcher, "/_cache/stats", "a-token-the-operator-chose-0123456789"));
        } finally {
            launcher.stop();
        }
    }

    @Test
    void onLoopbackNothingChanges() throws Exception {
        Launcher launcher = start("127.0.0.1", null);
        try {
            assertTrue(launcher.adminTokenFile().isEmpty());
            assertNull(launcher.app().config().admin().token());
            assertFalse(Files.exists(cacheDir.resolve(OpenBindToken.FILE_NAME)));
            assertEquals(200, get(launcher, "/_cache/stats", null));
        } finally {
            launcher.stop();
        }
    }

    @Test
    void anUnusableTokenFileStopsTheStartInsteadOfOpeningTheDoor() throws Exception {
        Files.writeString(cacheDir.resolve(OpenBindToken.FILE_NAME), "short\n");
        assertThrows(LifecycleException.class, () -> start("0.0.0.0", null));
        assertEquals("short\n", Files.readString(cacheDir.resolve(OpenBindToken.FILE_NAME)), "left for the operator to see");
    }

    private int get(Launcher launcher, String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + launcher.port() + path));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private Launcher start(String host, String adminToken) throws Exception {
        System.setProperty("modelcache.cache.dir", cacheDir.toString());
        if (adminToken != null) {
            System.setProperty("modelcache.admin.token", adminToken);
        }
        try {
            return Launcher.start(0, ServerSettings.from(Settings.of(Map.of("host", host))),
                    Path.of("webapp-config/context.xml"), Path.of("src/main/webapp"), Map.of());
        } finally {
            System.clearProperty("modelcache.cache.dir");
            System.clearProperty("modelcache.admin.token");
        }
    }
}
