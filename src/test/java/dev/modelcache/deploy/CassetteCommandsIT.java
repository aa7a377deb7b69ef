package dev.modelcache.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.modelcache.support.FakeUpstream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code java -jar target/modelcache.war export|import} as their own processes, beside a proxy started with
 * {@code java -jar} on the same cache folder: the commands never open Ehcache, whose lock the proxy holds.
 */
class CassetteCommandsIT {
    FakeUpstream upstream;
    Path dir;
    Process proxy;

    @BeforeEach
    void startUpstream() throws IOException {
        upstream = Deployment.startUpstream();
        dir = Deployment.freshDir("cassette-commands");
    }

    @AfterEach
    void stopAll() throws Exception {
        try {
            if (proxy != null) {
                proxy.destroy();
                if (!proxy.waitFor(30, TimeUnit.SECONDS)) {
                    proxy.destroyForcibly();
                }
            }
        } finally {
            upstream.close();
        }
    }

    private ProcessBuilder war(Path cacheDir, Path output, String... args) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-jar", Deployment.war().toAbsolutePath().toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(Files.createDirectories(dir.resolve("cwd")).toFile())
                .redirectErrorStream(true).redirectOutput(output.toFile());
        Deployment.clearModelCacheVariables(builder.environment());
        builder.environment().put("MODELCACHE_CACHE_DIR", cacheDir.toAbsolutePath().toString());
        return builder;
    }

    /** Runs a command of the WAR to its end: its exit code, then its output. */
    private List<String> command(Path cacheDir, String... args) throws IOException, InterruptedException {
        Path output = Files.createTempFile(dir, "command-", ".log");
        Process process = war(cacheDir, output, args).start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("java -jar modelcache.war " + String.join(" ", args) + " did not end:\n" + Files.readString(output));
        }
        return List.of(String.valueOf(process.exitValue()), Files.readString(output, StandardCharsets.UTF_8));
    }

    @Test
    void exportAndImportRunBesideAProxyOnTheSameCacheFolder() throws Exception {
        Path cacheDir = dir.resolve("cache");
        int port = Deployment.freePort();
        URI base = URI.create("http://127.0.0.1:" + port);
        ProcessBuilder serve = war(cacheDir, dir.resolve("proxy.log"));
        serve.environment().put("MODELCACHE_PORT", String.valueOf(port));
        serve.environment().put("MODELCACHE_PROVIDERS_OPENAI_BASEURL", upstream.baseUrl());
        proxy = serve.start();
        Deployment.awaitHealthy(base, ExecutableWarIT.STARTUP, proxy::isAlive, () -> read(dir.resolve("proxy.log")));
        Deployment.assertCachesPlainAndStreamedAnswers(base, upstream);

        Path cassettes = dir.resolve("cassettes");
        List<String> exported = command(cacheDir, "export", "--to", cassettes.toString());
        assertEquals("0", exported.get(0), exported.get(1));
        assertTrue(exported.get(1).contains("exported 2 entries to " + cassettes), exported.get(1));
        List<Path> files = mcrFiles(cassettes);
        assertEquals(2, files.size(), files.toString());
        for (Path file : files) {
            assertFalse(Files.readString(file, StandardCharsets.ISO_8859_1).contains("sk-deployment-test"), file.toString());
        }

        List<String> imported = command(cacheDir, "import", "--from", cassettes.toString(), "--namespace", "ci");
        assertEquals("0", imported.get(0), imported.get(1));
        assertTrue(imported.get(1).contains("imported 2 entries from " + cassettes), imported.get(1));
        assertEquals(4, mcrFiles(cacheDir.resolve("records")).size(), "the proxy's two and the two imported");
        assertTrue(proxy.isAlive());
        assertEquals("HIT", Deployment.xCache(Deployment.post(base, Deployment.CHAT, Deployment.PLAIN_REQUEST)));

        List<String> unknown = command(cacheDir, "frobnicate");
        assertEquals("2", unknown.get(0), unknown.get(1));
        assertTrue(unknown.get(1).contains("usage: java -jar modelcache.war"), unknown.get(1));
    }

    private static List<Path> mcrFiles(Path folder) throws IOException {
        try (Stream<Path> all = Files.walk(folder)) {
            return all.filter(f -> f.toString().endsWith(".mcr")).sorted().toList();
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }
}
