package dev.modelcache.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelcache.ModelCache;
import dev.modelcache.config.BuildVersion;
import dev.modelcache.config.Config;
import dev.modelcache.config.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The start banner as a container logs it: what runs, on one line, with the dashboard under the context path. */
class StartBannerTest {
    @TempDir
    Path dir;

    @Test
    void theBannerNamesVersionModeSharingPolicyCassettesAndTheDashboard() throws Exception {
        Path empty = Files.createDirectories(dir.resolve("empty cassettes"));
        ModelCache app = ModelCache.start(Config.from(Settings.of(Map.of("cache/dir", dir.resolve("cache").toString(),
                "providers/openai/baseUrl", "http://127.0.0.1:9", "cache/cassettes", empty.toString()))));
        try {
            String banner = StartBanner.of(app, "/modelcache");
            assertTrue(banner.startsWith("ModelCache " + BuildVersion.current() + " started: mode readthrough, shared false,"
                    + " policy all, cassettes " + empty.toAbsolutePath() + " (0 entries); cache folder "), banner);
            assertTrue(banner.endsWith("; dashboard at /modelcache/_cache/"), banner);
            assertFalse(banner.contains("\n"), banner);
            assertFalse(BuildVersion.current().contains("${"), "the build filtered build.properties");
            assertEquals(false, BuildVersion.current().isBlank());
        } finally {
            app.close();
        }
    }
}
