package dev.modelcache.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code java -jar target/modelcache.war export|import} as their own processes, beside a proxy started with
 * {@code java -jar} on the same cache folder: the commands never open Ehcache, whose lock the proxy holds.
 */
class CassetteCommandsIT {
    @RegisterExtension
    final WarRuns runs = new WarRuns("cassette-commands");

    /** Runs a command of the WAR to its end: its exit code, then its output. */
    private List<String> command(Path cacheDir, String... args) throws IOException, InterruptedException {
        Process process = runs.start(runs.java(cacheDir, null, args));
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("java -jar modelcache.war " + String.join(" ", args) + " did not end:\n" + runs.output());
        }
        return List.of(String.valueOf(process.exitValue()), runs.output());
    }

    @Test
    void exportAndImportRunBesideAProxyOnTheSameCacheFolder() throws Exception {
        Path cacheDir = runs.dir().resolve("cache");
        int port = Deployment.freePort();
        URI base = URI.create("http://127.0.0.1:" + port);
        Process proxy = runs.serve(port, cacheDir, null);
        Deployment.assertCachesPlainAndStreamedAnswers(base, runs.upstream());

        Path cassettes = runs.dir().resolve("cassettes");
        List<String> exported = command(cacheDir, "export", "--to", cassettes.toString());
        assertEquals("0", exported.get(0), exported.get(1));
        assertTrue(exported.get(1).contains("exported 2 entries to " + cassettes), exported.get(1));
        assertFalse(exported.get(1).contains("\r"), "no progress line into a file: " + exported.get(1));
        List<Path> files = mcrFiles(cassettes);
        assertEquals(2, files.size(), files.toString());
        for (Path file : files) {
            assertFalse(Files.readString(file, StandardCharsets.ISO_8859_1).contains("sk-deployment-test"), file.toString());
        }

        List<String> imported = command(cacheDir, "import", "--from", cassettes.toString(), "--namespace", "ci");
        assertEquals("0", imported.get(0), imported.get(1));
        assertTrue(imported.get(1).contains("imported 2 entries from " + cassettes), imported.get(1));
        assertFalse(imported.get(1).contains("\r"), "no progress line into a file: " + imported.get(1));
        assertEquals(4, mcrFiles(cacheDir.resolve("records")).size(), "the proxy's two and the two imported");
        assertTrue(proxy.isAlive());
        assertEquals("HIT", Deployment.xCache(Deployment.post(base, Deployment.CHAT, Deployment.PLAIN_REQUEST)));

        List<String> unknown = command(cacheDir, "frobnicate");
        assertEquals("2", unknown.get(0), unknown.get(1));
        assertTrue(unknown.get(1).contains("usage: java -jar modelcache.war"), unknown.get(1));
    }

    @Test
    void theProxyAndEveryCommandAnswerHelpNamingTheSettingsTheyRead() throws Exception {
        Path cacheDir = runs.dir().resolve("cache");
        for (String[] args : List.of(new String[] {"-h"}, new String[] {"--help"}, new String[] {"help"})) {
            List<String> help = command(cacheDir, args);
            assertEquals("0", help.get(0), help.get(1));
            assertTrue(help.get(1).contains("run the proxy") && help.get(1).contains("MODELCACHE_PORT"), help.get(1));
        }
        for (String[] args : List.of(new String[] {"export", "--help"}, new String[] {"import", "-h"},
                new String[] {"help", "export"}, new String[] {"help", "help"})) {
            List<String> help = command(cacheDir, args);
            assertEquals("0", help.get(0), help.get(1));
            assertTrue(help.get(1).contains("usage: java -jar modelcache.war " + (args[0].equals("help") ? "" : args[0])),
                    help.get(1));
            assertTrue(args[1].equals("help") || help.get(1).contains("MODELCACHE_CACHE_DIR"), help.get(1));
        }
        assertFalse(Files.exists(cacheDir), "help creates nothing");
    }

    private static List<Path> mcrFiles(Path folder) throws IOException {
        try (Stream<Path> all = Files.walk(folder)) {
            return all.filter(f -> f.toString().endsWith(".mcr")).sorted().toList();
        }
    }
}
