package dev.modelcache.replay.cassette;

import static dev.modelcache.replay.cassette.CassetteFixtures.KEYS;
import static dev.modelcache.replay.cassette.CassetteFixtures.all;
import static dev.modelcache.replay.cassette.CassetteFixtures.openStore;
import static dev.modelcache.replay.cassette.CassetteFixtures.putAll;
import static dev.modelcache.replay.cassette.CassetteFixtures.snapshot;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelcache.cache.CacheKey;
import dev.modelcache.cache.CacheKeyFactory;
import dev.modelcache.cache.CachedResponse;
import dev.modelcache.store.DurableResponseStore;
import dev.modelcache.store.RecordFile;
import dev.modelcache.cache.RequestRecord;
import dev.modelcache.replay.cassette.CassetteFixtures.Recorded;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CassettesTest {
    @TempDir
    Path dir;

    private Path cache() {
        return dir.resolve("cache");
    }

    private Path cassettes() {
        return dir.resolve("cassettes");
    }

    private ExportResult exportAll(CassetteFilter filter, boolean clean) throws IOException {
        try (DurableResponseStore store = openStore(cache())) {
            return Cassettes.export(store, filter, cassettes(), KEYS, clean);
        }
    }

    private static void assertSameAnswer(CachedResponse expected, CachedResponse got) {
        assertEquals(expected.status(), got.status());
        assertEquals(expected.headers().fields(), got.headers().fields());
        assertArrayEquals(expected.body(), got.body());
        assertEquals(expected.chunks(), got.chunks());
        assertEquals(expected.storedAtMillis(), got.storedAtMillis());
        assertEquals(expected.usage(), got.usage());
    }

    @Test
    void exportWipeImportGivesByteIdenticalPlainStreamedResponsesAndEmbeddingAnswers() throws IOException {
        List<Recorded> entries = all("");
        try (DurableResponseStore store = openStore(cache())) {
            putAll(store, entries);
        }
        assertEquals(4, exportAll(CassetteFilter.ALL, false).written());
        Path wiped = dir.resolve("fresh-cache");
        try (DurableResponseStore store = openStore(wiped)) {
            ImportResult result = Cassettes.importFrom(cassettes(), store, KEYS, null);
            assertEquals(new ImportResult(4, List.of(), List.of()), result);
            for (Recorded entry : entries) {
                assertSameAnswer(CassetteHeaders.DEFAULTS.applied(entry.response()), store.get(entry.sharedKey()).orElseThrow());
                RequestRecord imported = store.request(entry.sharedKey()).orElseThrow();
                assertEquals(CacheKeyFactory.SHARED, imported.partition());
                assertEquals(entry.request().body(), imported.body());
            }
        }
    }

    @Test
    void exportingUnchangedEntriesAgainLeavesEveryFileByteForByte() throws IOException {
        try (DurableResponseStore store = openStore(cache())) {
            putAll(store, all(""));
            putAll(store, all("suite-a"));
        }
        exportAll(CassetteFilter.ALL, false);
        Map<String, byte[]> first = snapshot(cassettes());
        ExportResult again = exportAll(CassetteFilter.ALL, true);
        assertEquals(new ExportResult(0, 8, 0, List.of()), again);
        assertSnapshotsEqual(first, snapshot(cassettes()));

        // Imported elsewhere and exported from there: still the same files.
        Path elsewhere = dir.resolve("elsewhere");
        try (DurableResponseStore store = openStore(elsewhere)) {
            Cassettes.importFrom(cassettes(), store, KEYS, null);
            Cassettes.export(store, CassetteFilter.ALL, dir.resolve("re-exported"), KEYS, false);
        }
        assertSnapshotsEqual(first, snapshot(dir.resolve("re-exported")));
    }

    private static void assertSnapshotsEqual(Map<String, byte[]> expected, Map<String, byte[]> got) {
        assertEquals(expected.keySet(), got.keySet());
        expected.forEach((name, bytes) -> assertArrayEquals(bytes, got.get(name), name));
    }

    @Test
    void filesAreNamedByNamespaceProviderPathAndModel() throws IOException {
        try (DurableResponseStore store = openStore(cache())) {
            putAll(store, all(""));
            putAll(store, List.of(CassetteFixtures.plainChat("suite-a")));
        }
        exportAll(CassetteFilter.ALL, false);
        List<String> names = List.copyOf(snapshot(cassettes()).keySet());
        String hex = CassetteFixtures.plainChat("suite-a").sharedKey().hex().substring(0, 12);
        assertTrue(names.contains("suite-a/openai/v1-chat-completions/gpt-4o-" + hex + ".mcr"), names.toString());
        assertTrue(names.stream().anyMatch(n -> n.startsWith("_default/openai/v1-embeddings/text-embedding-3-small-")), names.toString());
        assertTrue(names.stream().anyMatch(n -> n.startsWith("_default/openai/v1-responses/gpt-4.1-")), names.toString());
        assertEquals(5, names.size());
    }

    @Test
    void anExportNeverWritesTheCredentialNorTheCallersPartition() throws IOException {
        List<Recorded> entries = all("suite-a");
        String partition = entries.get(0).request().partition();
        assertEquals(16, partition.length(), "recorded under the caller's partition");
        try (DurableResponseStore store = openStore(cache())) {
            putAll(store, entries);
        }
        exportAll(CassetteFilter.ALL, false);
        for (Map.Entry<String, byte[]> file : snapshot(cassettes()).entrySet()) {
            String text = new String(file.getValue(), StandardCharsets.UTF_8);
            assertFalse(text.contains(CassetteFixtures.API_KEY), file.getKey());
            assertFalse(text.contains(partition), file.getKey());
            assertTrue(text.contains("\"partition\" : \"shared\""), file.getKey());
        }
    }

    @Test
    void aNamespaceFilterAndAModelGlobExportOnlyTheirEntries() throws IOException {
        try (DurableResponseStore store = openStore(cache())) {
            putAll(store, all(""));
            putAll(store, all("suite-a"));
        }
        assertEquals(4, exportAll(new CassetteFilter("suite-a", null, null), false).exported());
        assertTrue(snapshot(cassettes()).keySet().stream().allMatch(n -> n.startsWith("suite-a/")));
        Path models = dir.resolve("models");
        try (DurableResponseStore store = openStore(cache())) {
            ExportResult result = Cassettes.export(store, new CassetteFilter("", "gpt-4o*", "/v1/chat/"), models, KEYS, false);
            assertEquals(2, result.exported(), "gpt-4o and gpt-4o-mini chat, not gpt-4.1 nor embeddings");
        }
        assertTrue(snapshot(models).keySet().stream().allMatch(n -> n.startsWith("_default/openai/v1-chat-completions/gpt-4o")));
    }

    @Test
    void theModelGlobOfAnExportIgnoresCaseAsRoutingAndPricesDo() throws IOException {
        try (DurableResponseStore store = openStore(cache())) {
            putAll(store, all(""));
        }
        assertEquals(2, exportAll(new CassetteFilter(null, "GPT-4O*", "/v1/chat/"), false).exported(),
                "GPT-4O* names gpt-4o and gpt-4o-mini, as in providers/<name>/models and prices.json");
    }

    @Test
    void anImportIntoANamedNamespaceKeysEveryEntryThere() throws IOException {
        try (DurableResponseStore store = openStore(cache())) {
            putAll(store, all(""));
        }
        exportAll(CassetteFilter.ALL, false);
        try (DurableResponseStore store = openStore(dir.resolve("other"))) {
            assertEquals(4, Cassettes.importFrom(cassettes(), store, KEYS, "ci-run-7").imported());
            for (Recorded entry : all("")) {
                assertTrue(store.get(entry.sharedKey("ci-run-7")).isPresent());
                assertTrue(store.get(entry.sharedKey("")).isEmpty());
                assertEquals("ci-run-7", store.request(entry.sharedKey("ci-run-7")).orElseThrow().namespace());
            }
        }
    }

    @Test
    void aRecordOfAnOlderKeyRecipeIsReKeyedByTheCurrentOne() throws IOException {
        Recorded entry = CassetteFixtures.plainChat("");
        RequestRecord old = entry.request();
        RequestRecord olderRecipe = new RequestRecord(old.provider(), old.method(), old.path(), old.query(), old.varyHeaders(),
                old.body(), old.partition(), "modelcache-key-2", old.model(), "", null);
        Path file = cassettes().resolve("old.mcr");
        RecordFile.write(file, new CacheKey("ab".repeat(32)), olderRecipe, entry.response());
        // As recipe 2 wrote it: no namespace, no body type.
        String text = Files.readString(file).replaceAll("(?m)^    \"(namespace|bodyType)\" : .*\n", "");
        Files.writeString(file, text);
        assertFalse(Files.readString(file).contains("bodyType"));
        try (DurableResponseStore store = openStore(cache())) {
            assertEquals(1, Cassettes.importFrom(cassettes(), store, KEYS, null).imported());
            assertSameAnswer(entry.response(), store.get(entry.sharedKey()).orElseThrow());
            assertEquals(CacheKeyFactory.VERSION, store.request(entry.sharedKey()).orElseThrow().keyRecipe());
        }
    }

    @Test
    void aRecordThatCannotBeKeyedOrIsTornIsRefusedWithTheFileAndWhy() throws IOException {
        RequestRecord upload = new RequestRecord("openai", "POST", "/v1/audio/transcriptions", "", Map.of(),
                dev.modelcache.http.JsonParsers.RECORD.readTree("{\"mediaType\":\"multipart/form-data; boundary=x\","
                        + "\"bytes\":3,\"sha256\":\"" + "0".repeat(64) + "\"}"),
                CacheKeyFactory.SHARED, "modelcache-key-2", "whisper-1", "", RequestRecord.BYTES_BODY);
        RecordFile.write(cassettes().resolve("a/upload.mcr"), new CacheKey("cd".repeat(32)), upload,
                CassetteFixtures.plain("{\"text\":\"hi\"}", "whisper-1"));
        Recorded good = CassetteFixtures.embeddings("");
        Path torn = cassettes().resolve("b/torn.mcr");
        RecordFile.write(torn, good.key(), good.request(), good.response());
        byte[] bytes = Files.readAllBytes(torn);
        Files.write(torn, Arrays.copyOf(bytes, 200)); // cut in its header: a body cut short would be read as edited
        Files.writeString(cassettes().resolve("README.md"), "cassettes of the test suite\n");
        try (DurableResponseStore store = openStore(cache())) {
            ImportResult result = Cassettes.importFrom(cassettes(), store, KEYS, null);
            assertEquals(0, result.imported());
            assertEquals(List.of("README.md"), result.skipped());
            assertEquals(2, result.refused().size(), result.toString());
            assertEquals("a/upload.mcr", result.refused().get(0).file());
            assertTrue(result.refused().get(0).reason().contains("cannot be keyed"), result.toString());
            assertEquals("b/torn.mcr", result.refused().get(1).file());
            assertTrue(result.refused().get(1).reason().contains("the header does not read"), result.toString());
            assertEquals(0, store.stats().entries());
        }
    }

    @Test
    void cleanRemovesTheStaleFilesOfTheSelectionAndKeepsEverythingElse() throws IOException {
        try (DurableResponseStore store = openStore(cache())) {
            putAll(store, all(""));
            putAll(store, all("suite-a"));
        }
        exportAll(CassetteFilter.ALL, false);
        Files.writeString(cassettes().resolve("suite-a/README.md"), "keep me\n");
        Recorded gone = CassetteFixtures.embeddings("suite-a");
        try (DurableResponseStore store = openStore(cache())) {
            store.remove(gone.key());
        }
        ExportResult kept = exportAll(new CassetteFilter("suite-a", null, null), false);
        assertEquals(0, kept.removed());
        assertEquals(9, snapshot(cassettes()).size(), "without --clean the stale file stays");

        ExportResult cleaned = exportAll(new CassetteFilter("suite-a", null, null), true);
        assertEquals(new ExportResult(0, 3, 1, List.of()), cleaned);
        Map<String, byte[]> files = snapshot(cassettes());
        assertEquals(8, files.size());
        assertTrue(files.containsKey("suite-a/README.md"));
        assertFalse(Files.exists(cassettes().resolve("suite-a/openai/v1-embeddings")), "the folder left empty is gone");
        assertEquals(4, files.keySet().stream().filter(n -> n.startsWith("_default/")).count(), "other namespaces untouched");
    }

    @Test
    void anotherCallersEntryForTheSameRequestIsExportedOnceTheNewest() throws IOException {
        Recorded mine = CassetteFixtures.plainChat("");
        RequestRecord theirs = mine.request().withPartition("fedcba9876543210", "");
        CachedResponse newer = CassetteFixtures.plain("{\"newer\":true}", "gpt-4o");
        newer = new CachedResponse(200, newer.headers(), newer.body(), newer.chunks(), mine.response().storedAtMillis() + 1,
                newer.usage(), "openai", "gpt-4o");
        try (DurableResponseStore store = openStore(cache())) {
            store.put(mine.key(), mine.request(), mine.response());
            store.put(KEYS.create(theirs), theirs, newer);
        }
        ExportResult result = exportAll(CassetteFilter.ALL, false);
        assertEquals(1, result.exported());
        assertEquals(1, result.skipped().size(), result.toString());
        try (Stream<Path> files = Files.walk(cassettes())) {
            Path file = files.filter(Files::isRegularFile).findFirst().orElseThrow();
            assertArrayEquals(newer.body(), RecordFile.read(file).response().body());
        }
    }
}
