package dev.modelcache.store;

import static dev.modelcache.store.RecordFixtures.assertSameAnswer;
import static dev.modelcache.store.RecordFixtures.key;
import static dev.modelcache.store.RecordFixtures.plain;
import static dev.modelcache.store.RecordFixtures.request;
import static dev.modelcache.store.RecordFixtures.stream;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelcache.cache.Body;
import dev.modelcache.cache.CacheKey;
import dev.modelcache.cache.CacheKeyFactory;
import dev.modelcache.cache.CachedResponse;
import dev.modelcache.cache.EntryFilter;
import dev.modelcache.cache.EntrySummary;
import dev.modelcache.cache.RequestRecord;
import dev.modelcache.tokens.Usage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecordStoreTest {
    private static final long UNBOUNDED = Long.MAX_VALUE;

    @TempDir
    Path dir;

    private RecordStore open(Duration ttl, long maxBytes) throws IOException {
        RecordStore store = new RecordStore(dir.resolve("records"), ttl, maxBytes);
        store.open();
        return store;
    }

    private Path file(CacheKey key) {
        return dir.resolve("records").resolve(key.hex().substring(0, 2)).resolve(key.hex() + ".mcr");
    }

    @Test
    void promptCacheCountsAreKeptInTheRecordOnlyWhenNotZero() throws IOException {
        CachedResponse plain = plain("{\"x\":1}", 1000);
        CachedResponse cached = new CachedResponse(200, plain.headers(), plain.body(), plain.chunks(), 1000,
                new Usage(2060, 4, false, 2048, 7), "anthropic", "claude-sonnet-4-5");
        RecordStore store = open(Duration.ZERO, UNBOUNDED);
        store.put(key(1), request(), cached);
        store.put(key(2), request(), plain);
        RecordStore reopened = open(Duration.ZERO, UNBOUNDED);
        assertEquals(new Usage(2060, 4, false, 2048, 7), reopened.get(key(1), Long.MAX_VALUE).orElseThrow().usage());
        assertEquals(new Usage(3, 4, false), reopened.get(key(2), Long.MAX_VALUE).orElseThrow().usage());
        String written = Files.readString(file(key(1)), java.nio.charset.StandardCharsets.ISO_8859_1);
        assertTrue(written.contains("\"cacheReadTokens\" : 2048"), written);
        String older = Files.readString(file(key(2)), java.nio.charset.StandardCharsets.ISO_8859_1);
        assertFalse(older.contains("cacheReadTokens") || older.contains("cacheWriteTokens"), older);
    }

    @Test
    void aStoredStreamReadsBackByteForByteWithItsChunksAfterARestart() throws IOException {
        open(Duration.ZERO, UNBOUNDED).put(key(1), request(), stream(1000));
        open(Duration.ZERO, UNBOUNDED).put(key(2), request(), plain("{\"x\":1}", 1000));
        RecordStore reopened = open(Duration.ZERO, UNBOUNDED);
        assertSameAnswer(stream(1000), reopened.get(key(1), Long.MAX_VALUE).orElseThrow());
        assertSameAnswer(plain("{\"x\":1}", 1000), reopened.get(key(2), Long.MAX_VALUE).orElseThrow());
        assertEquals(2, reopened.count());
    }

    @Test
    void aLargeBodyIsServedFromItsFileWithTheSameBytes() throws IOException {
        RecordStore store = open(Duration.ZERO, UNBOUNDED);
        CachedResponse big = RecordFixtures.sized(300_000, 1000);
        store.put(key(1), request(), big);
        CachedResponse got = open(Duration.ZERO, UNBOUNDED).get(key(1), 1024).orElseThrow();
        assertTrue(got.bodySource() instanceof Body.InFile, "streamed from the record file");
        assertSameAnswer(big, got);
    }

    @Test
    void theFileIsReadableTextWithTheRequestTheResponseAndTheBodyAfterABlankLine() throws IOException {
        open(Duration.ZERO, UNBOUNDED).put(key(1), request(), stream(1000));
        String text = Files.readString(file(key(1)), StandardCharsets.UTF_8);
        assertTrue(text.startsWith("modelcache-record 1\n{\n  \"key\" : \"" + key(1).hex() + "\""), text);
        assertTrue(text.endsWith("\n}\n\n" + RecordFixtures.SSE), text);
        assertTrue(text.contains("    \"chunks\" : [\n      [15, 5],\n      [30, 17],\n      [44, 30]\n    ]"), text);
        JsonNode header = new ObjectMapper().readTree(text.substring(text.indexOf('\n'), text.lastIndexOf("}\n\n") + 1));
        assertEquals("/v1/chat/completions", header.at("/request/path").asText());
        assertEquals("0123456789abcdef", header.at("/request/partition").asText());
        assertEquals(CacheKeyFactory.VERSION, header.at("/request/keyRecipe").asText());
        assertEquals("hi", header.at("/request/body/messages/0/content").asText());
        assertEquals("assistants=v2", header.at("/request/varyHeaders/openai-beta").asText());
        assertEquals(RecordFixtures.SSE.length(), header.at("/response/bodyLength").asLong());
    }

    @Test
    void aRequestWithAStringPastJacksonsDefaultLimitAndAnExactNumberIsKeptAndOpensAgain() throws IOException {
        JsonNode body = dev.modelcache.http.JsonParsers.REQUEST.readTree(
                "{\"temperature\":1e400,\"input\":\"" + "x".repeat(21_000_000) + "\"}");
        RequestRecord request = new RequestRecord("openai", "POST", "/v1/embeddings", "", java.util.Map.of(), body,
                "0123456789abcdef", CacheKeyFactory.VERSION, "gpt-4o", "", null);
        open(Duration.ZERO, UNBOUNDED).put(key(1), request, plain("{}", 1000));
        RecordStore reopened = open(Duration.ZERO, UNBOUNDED);
        assertEquals(1, reopened.count(), "the header is read again, not dropped as unreadable");
        assertSameAnswer(plain("{}", 1000), reopened.get(key(1), Long.MAX_VALUE).orElseThrow());
        String whole = new String(Files.readAllBytes(file(key(1))), StandardCharsets.UTF_8);
        assertTrue(whole.contains("\"temperature\" : 1E+400"), "the number keeps its exact value");
    }

    @Test
    void recordFilesAreOwnerOnly() throws IOException {
        open(Duration.ZERO, UNBOUNDED).put(key(1), request(), plain("{}", 1000));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file(key(1)))));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file(key(1)).getParent())));
    }

    @Test
    void aTruncatedRecordIsIgnoredAtOpen() throws IOException {
        open(Duration.ZERO, UNBOUNDED).put(key(1), request(), stream(1000));
        byte[] bytes = Files.readAllBytes(file(key(1)));
        Files.write(file(key(1)), Arrays.copyOf(bytes, bytes.length - 5));
        RecordStore reopened = open(Duration.ZERO, UNBOUNDED);
        assertEquals(Optional.empty(), reopened.get(key(1), Long.MAX_VALUE));
        assertEquals(0, reopened.count());
        assertEquals(1, reopened.ignored());
    }

    @Test
    void aBodyThatNoLongerMatchesItsHashIsNeverServed() throws IOException {
        RecordStore store = open(Duration.ZERO, UNBOUNDED);
        store.put(key(1), request(), stream(1000));
        byte[] bytes = Files.readAllBytes(file(key(1)));
        bytes[bytes.length - 3] ^= 1;
        Files.write(file(key(1)), bytes);
        RecordStore reopened = open(Duration.ZERO, UNBOUNDED);
        IOException e = assertThrows(IOException.class, () -> reopened.get(key(1), Long.MAX_VALUE));
        assertTrue(e.getMessage().contains("SHA-256"), e.getMessage());
        assertEquals(Optional.empty(), reopened.get(key(1), Long.MAX_VALUE), "dropped after the first failed read");
        RecordStore streaming = open(Duration.ZERO, UNBOUNDED);
        assertThrows(IOException.class, () -> streaming.get(key(1), 0), "checked when streamed from the file too");
    }

    @Test
    void anotherVersionOrGarbageIsIgnoredAndTheRestStillOpens() throws IOException {
        RecordStore store = open(Duration.ZERO, UNBOUNDED);
        store.put(key(1), request(), plain("{\"good\":1}", 1000));
        store.put(key(2), request(), plain("{}", 1000));
        store.put(key(3), request(), plain("{}", 1000));
        String text = Files.readString(file(key(2)));
        Files.writeString(file(key(2)), text.replace("modelcache-record 1", "modelcache-record 9"));
        Files.writeString(file(key(3)), "this is not a record");
        RecordStore reopened = open(Duration.ZERO, UNBOUNDED);
        assertEquals(1, reopened.count());
        assertEquals(2, reopened.ignored());
        assertTrue(reopened.get(key(1), Long.MAX_VALUE).isPresent());
        assertEquals(Optional.empty(), reopened.get(key(2), Long.MAX_VALUE));
    }

    @Test
    void temporaryFilesLeftByACrashAreDeletedAtOpen() throws IOException {
        open(Duration.ZERO, UNBOUNDED).put(key(1), request(), plain("{}", 1000));
        Path leftover = file(key(1)).resolveSibling(key(1).hex() + "-123.tmp");
        Files.writeString(leftover, "modelcache-record 1\n{ half");
        RecordStore reopened = open(Duration.ZERO, UNBOUNDED);
        assertFalse(Files.exists(leftover));
        assertEquals(1, reopened.count());
    }

    @Test
    void anExpiredRecordIsAMissAndIsDeleted() throws IOException {
        long now = System.currentTimeMillis();
        RecordStore store = open(Duration.ofSeconds(60), UNBOUNDED);
        store.put(key(1), request(), plain("{}", now - 120_000));
        store.put(key(2), request(), plain("{}", now));
        assertEquals(Optional.empty(), store.get(key(1), Long.MAX_VALUE));
        assertFalse(Files.exists(file(key(1))));
        assertTrue(store.get(key(2), Long.MAX_VALUE).isPresent());

        store.put(key(3), request(), plain("{}", now - 120_000));
        RecordStore reopened = open(Duration.ofSeconds(60), UNBOUNDED);
        assertFalse(Files.exists(file(key(3))), "expired records are deleted at open");
        assertEquals(1, reopened.count());
        assertEquals(1, reopened.expirations());
    }

    @Test
    void anEntryWithAOneSecondTtlExpiresWhileAnotherStays() throws IOException {
        long now = System.currentTimeMillis();
        RecordStore store = open(Duration.ZERO, UNBOUNDED);
        store.put(key(1), request(), plain("{}", now - 2_000).withTtl(Duration.ofSeconds(1)));
        store.put(key(2), request(), plain("{}", now - 2_000));
        assertEquals(Optional.empty(), store.get(key(1), Long.MAX_VALUE));
        assertFalse(Files.exists(file(key(1))));
        assertTrue(store.get(key(2), Long.MAX_VALUE).isPresent());
        assertEquals(1, store.expirations());
    }

    @Test
    void anOwnTtlLongerThanTheStoresKeepsTheEntry() throws IOException {
        long now = System.currentTimeMillis();
        RecordStore store = open(Duration.ofSeconds(60), UNBOUNDED);
        store.put(key(1), request(), plain("{}", now - 120_000).withTtl(Duration.ofHours(1)));
        store.put(key(2), request(), plain("{}", now - 120_000));
        assertTrue(store.get(key(1), Long.MAX_VALUE).isPresent());
        assertEquals(Optional.empty(), store.get(key(2), Long.MAX_VALUE));
    }

    @Test
    void theOwnTtlSurvivesAReopenAndExpiresAtOpen() throws IOException {
        long now = System.currentTimeMillis();
        RecordStore store = open(Duration.ZERO, UNBOUNDED);
        store.put(key(1), request(), plain("{}", now).withTtl(Duration.ofHours(1)));
        store.put(key(2), request(), plain("{}", now - 2_000).withTtl(Duration.ofSeconds(1)));
        store.put(key(3), request(), stream(now));
        store.put(key(4), request(), plain("{}", now).withTtl(Duration.ofSeconds(Long.MAX_VALUE)));
        RecordStore reopened = open(Duration.ZERO, UNBOUNDED);
        assertSameAnswer(plain("{}", now).withTtl(Duration.ofSeconds(Long.MAX_VALUE)),
                reopened.get(key(4), Long.MAX_VALUE).orElseThrow());
        assertSameAnswer(plain("{}", now).withTtl(Duration.ofHours(1)), reopened.get(key(1), Long.MAX_VALUE).orElseThrow());
        assertEquals(3_600_000, reopened.get(key(1), 0).orElseThrow().ttlMillis(), "streamed from the file too");
        assertFalse(Files.exists(file(key(2))), "expired at open by its own ttl");
        assertEquals(1, reopened.expirations());
        assertEquals(0, reopened.get(key(3), Long.MAX_VALUE).orElseThrow().ttlMillis(), "none: reads as 0");
        assertEquals(List.of(0L, 3_600_000L, Long.MAX_VALUE / 1000 * 1000), reopened.list(EntryFilter.ALL).stream().map(EntrySummary::ttlMillis)
                .sorted().toList());
    }

    @Test
    void aRecordWithoutAnOwnTtlIsByteIdenticalAndOneWithItHasOneMoreLine() throws IOException {
        RecordStore store = open(Duration.ZERO, UNBOUNDED);
        store.put(key(1), request(), stream(1000));
        String without = Files.readString(file(key(1)));
        store.put(key(1), request(), stream(1000).withTtl(Duration.ZERO));
        assertEquals(without, Files.readString(file(key(1))), "ttl 0 writes no field");
        assertFalse(without.contains("ttlSeconds"));
        store.put(key(1), request(), stream(1000).withTtl(Duration.ofSeconds(90)));
        String with = Files.readString(file(key(1)));
        assertEquals(without.replace("    \"storedAt\" : \"1970-01-01T00:00:01.000Z\",\n",
                "    \"storedAt\" : \"1970-01-01T00:00:01.000Z\",\n    \"ttlSeconds\" : 90,\n"), with);
    }

    @Test
    void aRecordWhoseTtlIsUnreadableIsIgnoredAtOpen() throws IOException {
        open(Duration.ZERO, UNBOUNDED).put(key(1), request(), plain("{}", 1000).withTtl(Duration.ofSeconds(90)));
        String text = Files.readString(file(key(1)));
        Files.writeString(file(key(1)), text.replace("\"ttlSeconds\" : 90", "\"ttlSeconds\" : -90"));
        RecordStore reopened = open(Duration.ZERO, UNBOUNDED);
        assertEquals(0, reopened.count());
        assertEquals(1, reopened.ignored());
    }

    @Test
    void pastTheSizeBoundTheOldestRecordsGoFirst() throws IOException {
        RecordStore probe = open(Duration.ZERO, UNBOUNDED);
        probe.put(key(99), request(), RecordFixtures.sized(1000, 1000));
        long oneRecord = probe.bytes();
        probe.remove(key(99));

        RecordStore store = open(Duration.ZERO, oneRecord * 3);
        for (int i = 1; i <= 5; i++) {
            store.put(key(i), request(), RecordFixtures.sized(1000, 1000 + i));
        }
        assertEquals(3, store.count());
        assertEquals(2, store.evictions());
        assertTrue(store.bytes() <= oneRecord * 3);
        assertEquals(List.of(key(5).hex(), key(4).hex(), key(3).hex()),
                store.list(EntryFilter.ALL).stream().map(EntrySummary::key).toList(), "newest first, oldest evicted");
        assertFalse(Files.exists(file(key(1))));
    }

    @Test
    void listingFiltersByProviderModelPathPartitionAndAge() throws IOException {
        long now = System.currentTimeMillis();
        RecordStore store = open(Duration.ZERO, UNBOUNDED);
        store.put(key(1), request("openai", "gpt-4o", "/v1/chat/completions", "aaaa"), plain("{}", now - 1_000));
        store.put(key(2), request("openai", "gpt-4o-mini", "/v1/chat/completions", "bbbb"), plain("{}", now - 2_000));
        store.put(key(3), request("groq", "llama-3", "/v1/embeddings", "aaaa"), plain("{}", now - 3_600_000));
        assertEquals(3, store.list(EntryFilter.ALL).size());
        assertEquals(List.of(key(3).hex()), keys(store.list(new EntryFilter("groq", null, null, null, null))));
        assertEquals(List.of(key(2).hex()), keys(store.list(new EntryFilter(null, "gpt-4o-mini", null, null, null))));
        assertEquals(List.of(key(1).hex(), key(2).hex()), keys(store.list(new EntryFilter(null, null, "/v1/chat", null, null))));
        assertEquals(List.of(key(1).hex(), key(3).hex()), keys(store.list(new EntryFilter(null, null, null, "aaaa", null))));
        assertEquals(List.of(key(1).hex(), key(2).hex()), keys(store.list(new EntryFilter(null, null, null, null, Duration.ofMinutes(1)))));
        EntrySummary first = store.list(EntryFilter.ALL).get(0);
        assertEquals("POST", first.method());
        assertEquals(2, first.bodyBytes());
        assertEquals(Files.size(file(key(1))), first.fileBytes());
    }

    @Test
    void removeDeletesTheRecord() throws IOException {
        RecordStore store = open(Duration.ZERO, UNBOUNDED);
        store.put(key(1), request(), plain("{}", 1000));
        assertTrue(store.remove(key(1)));
        assertFalse(store.remove(key(1)));
        assertFalse(Files.exists(file(key(1))));
        assertEquals(Optional.empty(), store.get(key(1), Long.MAX_VALUE));
        assertEquals(0, store.bytes());
    }

    private static List<String> keys(List<EntrySummary> entries) {
        return entries.stream().map(EntrySummary::key).toList();
    }
}
