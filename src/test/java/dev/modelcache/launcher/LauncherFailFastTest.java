package dev.modelcache.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelcache.cache.CacheKeyFactory;
import dev.modelcache.cache.CachedResponse;
import dev.modelcache.http.Headers;
import dev.modelcache.store.RecordFile;
import dev.modelcache.cache.RequestRecord;
import dev.modelcache.http.JsonParsers;
import dev.modelcache.stream.Chunk;
import dev.modelcache.tokens.Usage;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher over a real process: it fails fast, on one line, and says what runs. A taken port, a misspelled
 * setting or a bad value ends it with a non-zero exit and one line naming the cause, never a stack trace; a start
 * prints one banner with the mode, sharing, policy, cassettes, version and dashboard, and health reports the same
 * version the build has.
 */
class LauncherFailFastTest {
    /** Generous: a JVM and Tomcat start on a busy machine. The old launcher never exited at all. */
    private static final long EXIT_SECONDS = 60;

    @TempDir
    Path dir;

    private Map<String, String> environment(String... namesAndValues) {
        Map<String, String> environment = new java.util.HashMap<>(Map.of(
                "MODELCACHE_CACHE_DIR", dir.resolve("cache").toString(),
                "MODELCACHE_PROVIDERS_OPENAI_BASEURL", "http://127.0.0.1:9"));
        for (int i = 0; i + 1 < namesAndValues.length; i += 2) {
            environment.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        return environment;
    }

    @Test
    void aTakenPortEndsTheLauncherWithOneLineNamingThePort() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             LauncherProcess launcher = LauncherProcess.start(dir, environment("MODELCACHE_PORT", "" + taken.getLocalPort()))) {
            int exit = launcher.exitWithin(EXIT_SECONDS);
            assertNotEquals(0, exit, launcher.output());
            List<String> lines = launcher.lines();
            String last = lines.get(lines.size() - 1);
            assertTrue(last.contains("cannot listen on 127.0.0.1:" + taken.getLocalPort()), launcher.output());
            assertFalse(launcher.output().contains("listening on http"), launcher.output());
            assertNoStackTrace(launcher.output());
        }
    }

    @Test
    void aMisspelledVariableStopsTheStartNamingTheNearestKey() throws Exception {
        try (LauncherProcess launcher = LauncherProcess.start(dir, environment("MODELCACHE_PORT", "0",
                "MODELCACHE_CACHE_MOD", "replay", "MODELCACHE_PROVIDERS_OPENAI_BASE_URL", "http://127.0.0.1:9"))) {
            assertNotEquals(0, launcher.exitWithin(EXIT_SECONDS), launcher.output());
            String output = launcher.output();
            assertTrue(output.contains("MODELCACHE_CACHE_MOD (did you mean MODELCACHE_CACHE_MODE?)"), output);
            assertTrue(output.contains("MODELCACHE_PROVIDERS_OPENAI_BASE_URL (did you mean MODELCACHE_PROVIDERS_OPENAI_BASEURL?)"), output);
            assertEquals(1, launcher.lines().size(), "one line: " + output);
        }
    }

    @Test
    void aBadValueIsSaidOnceOnOneLineWithoutAStackTrace() throws Exception {
        // A bad value of a known key is found inside the web application, as Tomcat starts it.
        try (LauncherProcess launcher = LauncherProcess.start(dir, environment("MODELCACHE_PORT", "0",
                "MODELCACHE_CACHE_MODE", "replayy"))) {
            assertNotEquals(0, launcher.exitWithin(EXIT_SECONDS), launcher.output());
            String output = launcher.output();
            assertEquals(1, count(output, "'replayy'"), output);
            List<String> lines = launcher.lines();
            assertTrue(lines.get(lines.size() - 1).contains("modelcache configuration key 'cache/mode'"), output);
            assertNoStackTrace(output);
        }
    }

    @Test
    void aBadPortIsSaidOnOneLineWithoutAJndiName() throws Exception {
        try (LauncherProcess launcher = LauncherProcess.start(dir, environment("MODELCACHE_PORT", "eighty"))) {
            assertNotEquals(0, launcher.exitWithin(EXIT_SECONDS), launcher.output());
            String output = launcher.output();
            assertEquals(1, launcher.lines().size(), output);
            assertTrue(output.contains("'port'") && output.contains("MODELCACHE_PORT"), output);
            assertFalse(output.contains("JNDI"), "no container reads port: " + output);
        }
    }

    @Test
    void theBannerSaysWhatRunsOnceAndHealthReportsTheBuildsVersion() throws Exception {
        Path cassettes = Files.createDirectories(dir.resolve("cassettes"));
        cassette(cassettes.resolve("a.mcr"), "a");
        cassette(cassettes.resolve("b.mcr"), "b");
        try (LauncherProcess launcher = LauncherProcess.start(dir, environment("MODELCACHE_PORT", "0",
                "MODELCACHE_CACHE_MODE", "replay", "MODELCACHE_CACHE_SHARED", "true",
                "MODELCACHE_CACHE_POLICY", "deterministic", "MODELCACHE_CACHE_CASSETTES", cassettes.toString()))) {
            String listening = launcher.awaitLine(line -> line.contains("ModelCache listening on http://localhost:"), 120);
            Matcher port = Pattern.compile("localhost:(\\d+)/v1").matcher(listening);
            assertTrue(port.find(), listening);
            String output = launcher.output();
            String version = pomVersion();
            assertEquals(1, count(output, "ModelCache " + version + " started:"), output);
            String banner = launcher.awaitLine(line -> line.contains("ModelCache " + version + " started:"), 1);
            assertTrue(banner.contains("mode replay, shared true, policy deterministic-only, cassettes "
                    + cassettes.toAbsolutePath() + " (2 entries)"), banner);
            assertTrue(banner.contains("dashboard at /_cache/"), banner);
            assertTrue(banner.contains("openai (default openai)"), banner);
            assertEquals(0, count(output, "Providers: "), "the provider table is said once, in the banner: " + output);
            HttpResponse<String> health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port.group(1) + "/_cache/health")).build(), HttpResponse.BodyHandlers.ofString());
            assertTrue(health.body().contains("\"version\":\"" + version + "\""), health.body());
        }
    }

    /** The project's version, as pom.xml gives it: what the banner and health must report. */
    static String pomVersion() throws Exception {
        String pom = Files.readString(Path.of("pom.xml"));
        Matcher version = Pattern.compile("<artifactId>modelcache</artifactId>\\s*<version>([^<]+)</version>").matcher(pom);
        assertTrue(version.find(), "pom.xml names the project's version");
        return version.group(1);
    }

    private static void cassette(Path file, String namespace) throws Exception {
        CacheKeyFactory keys = new CacheKeyFactory(new byte[16], List.of("/user", "/metadata"), true);
        RequestRecord request = new RequestRecord("openai", "POST", "/v1/chat/completions", "", Map.of(),
                JsonParsers.RECORD.readTree("{\"model\":\"gpt-4o\",\"temperature\":0,\"messages\":[]}"),
                CacheKeyFactory.SHARED, CacheKeyFactory.VERSION, "gpt-4o", namespace, null);
        byte[] body = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
        CachedResponse answer = new CachedResponse(200, Headers.of("Content-Type", "application/json"), body,
                List.of(new Chunk(body.length, 0)), 1_700_000_000_000L, Usage.NONE, "openai", "gpt-4o");
        RecordFile.write(file, keys.create(request), request, answer);
    }

    private static void assertNoStackTrace(String output) {
        assertFalse(output.contains("\tat ") || output.contains("Exception in thread"), "no stack trace: " + output);
    }

    private static int count(String text, String part) {
        int count = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
            count++;
        }
        return count;
    }
}
