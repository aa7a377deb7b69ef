package dev.modelcache.launcher;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelcache.cache.CacheKey;
import dev.modelcache.cache.CacheKeyFactory;
import dev.modelcache.cache.CachedResponse;
import dev.modelcache.store.DurableResponseStore;
import dev.modelcache.store.ehcache.EhcacheResponseStore;
import dev.modelcache.cache.RequestRecord;
import dev.modelcache.config.ConfigKeys;
import dev.modelcache.config.Settings;
import dev.modelcache.support.TestClock;
import dev.modelcache.http.Headers;
import dev.modelcache.http.JsonParsers;
import dev.modelcache.stream.Chunk;
import dev.modelcache.tokens.Usage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommandsTest {
    private static final CacheKeyFactory KEYS = new CacheKeyFactory(new byte[16], List.of("/user", "/metadata"), false);

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(Path cacheDir, String... args) {
        out.reset();
        err.reset();
        return Commands.run(args, Settings.of(Map.of("cache/dir", cacheDir.toString())),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    /** As {@code java -jar} runs it with standard output on a terminal. */
    private int runOnATerminal(Path cacheDir, String... args) {
        out.reset();
        err.reset();
        return Commands.run(args, Settings.of(Map.of("cache/dir", cacheDir.toString())),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                true, new TestClock());
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private static RequestRecord request(String namespace) throws IOException {
        return new RequestRecord("openai", "POST", "/v1/chat/completions", "", Map.of(),
                JsonParsers.RECORD.readTree("{\"model\":\"gpt-4o\",\"messages\":[]}"), "0123456789abcdef",
                CacheKeyFactory.VERSION, "gpt-4o", namespace, null);
    }

    private static CachedResponse answer() {
        byte[] body = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
        return new CachedResponse(200, Headers.of("Content-Type", "application/json"), body,
                List.of(new Chunk(body.length, 0)), 1_700_000_000_000L, Usage.NONE, "openai", "gpt-4o");
    }

    private static DurableResponseStore open(Path cacheDir) {
        return EhcacheResponseStore.durable(cacheDir, 1024, 0, 8, Duration.ZERO, Long.MAX_VALUE);
    }

    @Test
    void exportThenImportIntoACacheThatAProxyServesMakesTheEntryAHitWithoutARestart() throws IOException {
        Path recorded = dir.resolve("recorded");
        try (DurableResponseStore store = open(recorded)) {
            store.put(KEYS.create(request("suite")), request("suite"), answer());
        }
        Path cassettes = dir.resolve("cassettes");
        assertEquals(0, run(recorded, "export", "--to", cassettes.toString(), "--namespace", "suite"), err());
        assertTrue(out().startsWith("exported 1 entries to " + cassettes), out());

        Path served = dir.resolve("served");
        CacheKey shared = KEYS.create(request("suite").withPartition(CacheKeyFactory.SHARED, "suite"));
        try (DurableResponseStore proxy = open(served)) {
            assertTrue(proxy.get(shared).isEmpty());
            assertEquals(0, run(served, "import", "--from", cassettes.toString()), err());
            assertTrue(out().startsWith("imported 1 entries from " + cassettes), out());
            assertArrayEquals(answer().body(), proxy.get(shared).orElseThrow().body(), "served by the running store");
        }
        Path file;
        try (Stream<Path> files = Files.walk(served.resolve("records"))) {
            file = files.filter(f -> f.toString().endsWith(".mcr")).findFirst().orElseThrow();
        }
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())));
    }

    @Test
    void anImportThatRefusesAFileSaysWhichAndWhyAndExitsWithOne() throws IOException {
        Path cassettes = Files.createDirectories(dir.resolve("cassettes"));
        Files.writeString(cassettes.resolve("broken.mcr"), "modelcache-record 1\n{ not json");
        assertEquals(1, run(dir.resolve("cache"), "import", "--from", cassettes.toString(), "--namespace", "ci"));
        assertTrue(err().contains("refused broken.mcr: "), err());
        assertTrue(out().contains("imported 0 entries"), out());
    }

    @Test
    void badArgumentsPrintTheUsageAndExitWithTwo() {
        Path cache = dir.resolve("cache");
        for (String[] args : List.of(new String[] {"frobnicate"}, new String[] {"export"}, new String[] {"export", "--to"},
                new String[] {"import", "--from", "x", "--clean"}, new String[] {"export", "--to", "x", "--namespace", "../up"})) {
            assertEquals(2, run(cache, args), String.join(" ", args));
            assertTrue(err().contains("usage: java -jar modelcache.war"), err());
        }
        assertEquals(0, run(cache, "help"));
        assertTrue(out().contains("export --to DIR"), out());
        assertFalse(Files.exists(cache), "nothing created by a refused command");
    }

    @Test
    void anExportOfACacheFolderWithoutRecordsFailsNamingIt() {
        assertEquals(1, run(dir.resolve("nothing-here"), "export", "--to", dir.resolve("out").toString()));
        assertTrue(err().contains("no record folder at") && err().contains("nothing-here"), err());
    }

    @Test
    void theContextFileGivesTheJndiLayerWithoutCommentedOutEntries() throws IOException {
        Path file = dir.resolve("context.xml");
        Files.writeString(file, """
                <?xml version="1.0" encoding="UTF-8"?>
                <Context>
                  <Environment name="modelcache/cache/dir" value="/srv/cache" type="java.lang.String" override="false"/>
                  <!-- <Environment name="modelcache/cache/ttl" value="60" type="java.lang.String" override="false"/> -->
                  <Environment name="modelcache/cache/shared" value="" type="java.lang.String" override="false"/>
                  <Environment name="other/thing" value="x" type="java.lang.String" override="false"/>
                </Context>
                """);
        assertEquals(Map.of("cache/dir", "/srv/cache", "cache/shared", ""), ContextEnvironment.read(file));
        Map<String, String> packed = ContextEnvironment.read(Path.of("webapp-config/context.xml"));
        assertEquals("1024", packed.get("cache/diskMB"));
        assertFalse(packed.containsKey("cache/heapMB"), "commented out in the shipped file");
    }

    @Test
    void importRefusesAFileLargerThanARecordOfTheConfiguredProxyCanBeAndImportsTheRest() throws IOException {
        Path cassettes = dir.resolve("cassettes");
        byte[] large = new byte[3 * 1024 * 1024];
        java.util.Arrays.fill(large, (byte) 'a');
        CachedResponse big = new CachedResponse(200, Headers.of("Content-Type", "application/json"), large,
                List.of(new Chunk(large.length, 0)), 1_700_000_000_000L, Usage.NONE, "openai", "gpt-4o");
        dev.modelcache.store.RecordFile.write(cassettes.resolve("big.mcr"), KEYS.create(request("")), request(""), big);
        dev.modelcache.store.RecordFile.write(cassettes.resolve("small.mcr"), KEYS.create(request("a")), request("a"), answer());
        Path cacheDir = dir.resolve("cache");
        out.reset();
        err.reset();
        int code = Commands.run(new String[] {"import", "--from", cassettes.toString()}, Settings.of(Map.of(
                "cache/dir", cacheDir.toString(), "cache/maxEntryMB", "1", "maxBodyBytes", "65536")),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(1, code, "out: " + out() + " err: " + err());
        long largest = 1024 * 1024 + 2 * 65536 + 512 * 1024 + 1024 * 1024;
        assertTrue(err().contains("refused big.mcr: it is larger than " + largest + " bytes, the largest record"), err());
        assertTrue(out().startsWith("imported 1 entries"), out());
    }

    @Test
    void aMisspelledVariableStopsExportOnOneLineNamingTheNearestOne() throws IOException {
        Settings settings = Settings.layered(Map.of(), new java.util.Properties(),
                Map.of("MODELCACHE_CACHE_DIR", dir.resolve("cache").toString(), "MODELCACHE_CACHE_SHARD", "true"));
        int exit = Commands.run(new String[] {"export", "--to", dir.resolve("out").toString()}, settings,
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(1, exit, err());
        assertEquals(1, err().lines().count(), err());
        assertTrue(err().contains("MODELCACHE_CACHE_SHARD (did you mean MODELCACHE_CACHE_SHARED?)"), err());
        assertFalse(Files.exists(dir.resolve("out")), "nothing exported");
    }

    private static String variable(ConfigKeys key) {
        return Settings.environmentName(key.key());
    }

    @Test
    void everyCommandHasHelpThatNamesTheSettingsItReads() {
        Path cache = dir.resolve("cache");
        for (String[] args : List.of(new String[] {"-h"}, new String[] {"--help"}, new String[] {"help"})) {
            assertEquals(0, run(cache, args), String.join(" ", args) + ": " + err());
            assertTrue(out().contains("usage: java -jar modelcache.war"), out());
            assertTrue(out().contains("run the proxy"), out());
            for (ConfigKeys key : ConfigKeys.values()) {
                assertTrue(out().contains(variable(key)), "the proxy's help names " + variable(key) + ": " + out());
            }
        }
        for (String[] args : List.of(new String[] {"export", "--help"}, new String[] {"export", "-h"},
                new String[] {"help", "export"}, new String[] {"export", "--to", "x", "--help"})) {
            assertEquals(0, run(cache, args), String.join(" ", args) + ": " + err());
            assertTrue(out().contains("--clean") && out().contains("--progress"), out());
            assertTrue(out().contains(variable(ConfigKeys.CACHE_DIR)) && out().contains("MODELCACHE_CACHE_DIR"), out());
            assertTrue(out().contains(variable(ConfigKeys.CACHE_SHARED)), out());
            assertFalse(out().contains(variable(ConfigKeys.PORT)), "export does not read port: " + out());
        }
        for (String[] args : List.of(new String[] {"import", "--help"}, new String[] {"import", "-h"},
                new String[] {"help", "import"})) {
            assertEquals(0, run(cache, args), String.join(" ", args) + ": " + err());
            assertTrue(out().contains("--from DIR"), out());
            assertTrue(out().contains("MODELCACHE_CACHE_DIR") && out().contains(variable(ConfigKeys.CACHE_MAX_ENTRY_MB)), out());
            assertFalse(out().contains("--clean"), out());
        }
        for (String[] args : List.of(new String[] {"help", "help"}, new String[] {"help", "--help"})) {
            assertEquals(0, run(cache, args), String.join(" ", args) + ": " + err());
            assertTrue(out().contains("help COMMAND"), out());
        }
        assertEquals(2, run(cache, "help", "frobnicate"));
        assertTrue(err().contains("unknown command 'frobnicate'"), err());
        assertFalse(Files.exists(cache), "help creates nothing");
    }

    private Path recordedCache(int entries) {
        Path recorded = dir.resolve("recorded");
        try (DurableResponseStore store = open(recorded)) {
            for (int i = 0; i < entries; i++) {
                store.put(KEYS.create(request("ns" + i)), request("ns" + i), answer());
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return recorded;
    }

    @Test
    void exportAndImportEndWithOneSummaryLineAndNoCarriageReturnWhenTheOutputIsNotATerminal() {
        Path recorded = recordedCache(3);
        Path cassettes = dir.resolve("cassettes");
        assertEquals(0, run(recorded, "export", "--to", cassettes.toString()), err());
        assertFalse(out().contains("\r"), "no progress into a pipe or log: " + out());
        assertEquals(1, out().lines().count(), out());
        assertTrue(out().matches("exported 3 entries to \\S+ \\(3 written, 0 unchanged, 0 removed, 0 skipped; "
                + "\\d+(\\.\\d)? K?i?B in \\d+\\.\\d s\\)\\R"), out());

        assertEquals(0, run(dir.resolve("served"), "import", "--from", cassettes.toString()), err());
        assertFalse(out().contains("\r"), out());
        assertEquals(1, out().lines().count(), out());
        assertTrue(out().matches("imported 3 entries from \\S+ into \\S+ \\(0 refused, 0 other files skipped; "
                + "\\d+(\\.\\d)? K?i?B in \\d+\\.\\d s\\)\\R"), out());
    }

    @Test
    void onATerminalOrWithProgressTheCountIsRewrittenOnOneLineThenTheSummaryStandsAlone() {
        Path recorded = recordedCache(2);
        Path cassettes = dir.resolve("cassettes");
        assertEquals(0, runOnATerminal(recorded, "export", "--to", cassettes.toString()), err());
        assertTrue(out().startsWith("\rexporting: 1 entries, 11 B, - entries/s"), out());
        String last = out().substring(out().lastIndexOf('\r') + 1);
        assertTrue(last.startsWith("exported 2 entries to "), "the summary after the cleared line: " + out());
        assertEquals(1, out().split("\n").length, "one line, rewritten: " + out());

        assertEquals(0, run(dir.resolve("served"), "import", "--from", cassettes.toString(), "--progress"), err());
        assertTrue(out().startsWith("\rimporting: 1 entries, 11 B, "), "--progress shows it in a pipe: " + out());
        assertTrue(out().substring(out().lastIndexOf('\r') + 1).startsWith("imported 2 entries from "), out());
    }
}
