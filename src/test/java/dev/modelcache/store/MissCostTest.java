package dev.modelcache.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelcache.cache.CacheKey;
import dev.modelcache.cache.CacheKeyFactory;
import dev.modelcache.cache.CachedResponse;
import dev.modelcache.cache.EntryFilter;
import dev.modelcache.cache.EntrySummary;
import dev.modelcache.cache.RequestRecord;
import dev.modelcache.replay.Explanation;
import dev.modelcache.replay.MissExplainer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every miss shows its reason, so explaining one must cost the same however many entries of other paths, models
 * and callers the store holds: counted in entries of the index looked at, not timed.
 */
class MissCostTest {
    private static final int OTHERS = 10_000;
    private static final String CHAT = "/v1/chat/completions";
    private static final String MINE = "0123456789abcdef";
    private static final CacheKeyFactory KEYS = new CacheKeyFactory(
            "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII));

    @TempDir
    static Path dir;

    private static DurableResponseStore store;

    /**
     * Records written without fsync (the test needs their headers, not their durability), then indexed at open:
     * a quarter of them of the same path and caller but other models.
     */
    @BeforeAll
    static void fill() throws IOException {
        Path root = dir.resolve("records");
        RecordFiles files = new RecordFiles(root);
        for (int i = 0; i < OTHERS; i++) {
            RequestRecord other = switch (i % 4) {
                case 0 -> RecordFixtures.request("openai", "gpt-4o", "/v1/embeddings", MINE);
                case 1 -> RecordFixtures.request("openai", "gpt-4o-mini-" + i % 50, CHAT, MINE);
                case 2 -> RecordFixtures.request("openai", "gpt-4o", CHAT, "fedcba9876543210");
                default -> RecordFixtures.request("anthropic", "gpt-4o", CHAT, MINE);
            };
            writeUnsynced(files, RecordFixtures.key(i + 1000), other, RecordFixtures.plain("{\"n\":" + i + "}", i));
        }
        RecordStore record = new RecordStore(root, Duration.ZERO, Long.MAX_VALUE);
        record.open();
        store = new DurableResponseStore(record, null, Duration.ZERO, Clock.systemUTC());
        assertEquals(OTHERS, store.stats().entries());
    }

    @AfterAll
    static void close() {
        store.close();
    }

    private static void writeUnsynced(RecordFiles files, CacheKey key, RequestRecord request, CachedResponse response)
            throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.write(RecordFormat.header(key, request, response, RecordFiles.bodySha256(response.bodySource())));
        bytes.write(response.body());
        Path file = files.pathOf(key);
        Files.createDirectories(file.getParent());
        Files.write(file, bytes.toByteArray());
    }

    @Test
    void aMissAmongTenThousandEntriesOfOtherPathsAndCallersLooksAtNoneOfThem() {
        RequestRecord missed = RecordFixtures.request("openai", "gpt-4o", "/v1/responses", MINE);
        long before = store.examined();
        Explanation why = new MissExplainer(store, KEYS).explain(missed);
        assertEquals(0, store.examined() - before, "index entries looked at for one miss");
        assertEquals(0, why.candidatesCompared());
        assertTrue(why.summary().startsWith("no stored entry of this caller for POST /v1/responses"), why.summary());
    }

    @Test
    void aMissAmongTenThousandOthersLooksAtTheNewestOfItsModelAloneOrOfItsPathWhenItsModelHasNone() {
        for (int i = 0; i < 40; i++) {
            store.put(RecordFixtures.key(i), RecordFixtures.request("openai", "gpt-4o", CHAT, MINE),
                    RecordFixtures.plain("{}", 1_000_000 + i));
        }
        long before = store.examined();
        Explanation why = new MissExplainer(store, KEYS).explain(RecordFixtures.request("openai", "gpt-4o", CHAT, MINE)
                .withPartition(MINE, "another namespace"));
        assertTrue(store.examined() - before <= MissExplainer.MAX_CANDIDATES, "looked at " + (store.examined() - before));
        assertTrue(why.candidatesCompared() >= 1, why.summary());
        assertEquals(RecordFixtures.key(39).hex().substring(0, 12), why.nearestKey(), "of equals, the newest");

        before = store.examined();
        why = new MissExplainer(store, KEYS).explain(RecordFixtures.request("openai", "gpt-5", CHAT, MINE));
        assertTrue(store.examined() - before <= MissExplainer.MAX_CANDIDATES,
                "looked at " + (store.examined() - before));
        assertTrue(why.candidatesCompared() >= 1, why.summary());
    }

    @Test
    void theGroupsListWhatTheFullListingShowsAfterReplacementsAndRemovals() {
        String theirs = "aaaaaaaaaaaaaaaa";
        RequestRecord mine = RecordFixtures.request("openai", "gpt-4o", CHAT, theirs);
        for (int i = 100; i < 140; i++) {
            store.put(RecordFixtures.key(i), i % 3 == 0 ? RecordFixtures.request("openai", "o3", CHAT, theirs) : mine,
                    RecordFixtures.plain("{}", 5_000_000 + i % 7));
        }
        store.put(RecordFixtures.key(103), mine, RecordFixtures.plain("{}", 9_000_000)); // stored again: newest now
        store.remove(RecordFixtures.key(139));
        PathGroup group = PathGroup.ofModel("openai", CHAT, theirs, "gpt-4o");
        List<EntrySummary> expected = store.list(new EntryFilter("openai", null, CHAT, theirs, null)).stream()
                .filter(group::contains).limit(MissExplainer.MAX_CANDIDATES).toList();
        assertEquals(expected, store.newest(group, MissExplainer.MAX_CANDIDATES));
        assertEquals(MissExplainer.MAX_CANDIDATES, store.newest(group.withAnyModel(), MissExplainer.MAX_CANDIDATES).size());
        assertEquals(RecordFixtures.key(103).hex(), expected.get(0).key());
        List<EntrySummary> anyModel = store.list(new EntryFilter("openai", null, CHAT, theirs, null)).stream()
                .filter(group.withAnyModel()::contains).limit(MissExplainer.MAX_CANDIDATES).toList();
        assertEquals(anyModel, store.newest(group.withAnyModel(), MissExplainer.MAX_CANDIDATES));
    }
}
