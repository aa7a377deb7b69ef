package dev.modelcache.replay;

import static dev.modelcache.replay.StoredRequests.CHAT;
import static dev.modelcache.replay.StoredRequests.KEYS;
import static dev.modelcache.replay.StoredRequests.THEIRS;
import static dev.modelcache.replay.StoredRequests.chat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelcache.cache.CacheKey;
import dev.modelcache.cache.CacheKeyFactory;
import dev.modelcache.cache.CachedResponse;
import dev.modelcache.cache.EntryFilter;
import dev.modelcache.cache.EntrySummary;
import dev.modelcache.cache.RequestRecord;
import dev.modelcache.replay.StoredRequests.Part;
import dev.modelcache.store.DurableResponseStore;
import dev.modelcache.store.ResponseStore;
import dev.modelcache.store.StoreStats;
import dev.modelcache.store.ehcache.EhcacheResponseStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MissExplainerTest {
    private static final String ASCII_LINE = "[\\x20-\\x7e]*";
    private static final String NOTHING_OF_MINE = "no stored entry of this caller for POST " + CHAT
            + " at provider openai";
    private static final String NOT_COMPARED = "; other callers' entries are never compared, nor shared ones "
            + "(imported cassettes) unless cache/shared is true";

    @TempDir
    Path dir;

    private DurableResponseStore store;
    private MissExplainer explainer;

    @BeforeEach
    void open() {
        store = EhcacheResponseStore.durable(dir, 2048, 0, 8, Duration.ZERO, Long.MAX_VALUE);
        explainer = new MissExplainer(store, KEYS);
    }

    @AfterEach
    void close() {
        store.close();
    }

    private Explanation explain(StoredRequests request) {
        return explainer.explain(request.record());
    }

    private static String id(CacheKey key) {
        return key.hex().substring(0, 12);
    }

    @Test
    void aChangedTemperatureIsNamedWithBothValues() {
        CacheKey stored = chat().storeIn(store, 1000);
        Explanation why = explain(chat().set("temperature", "0.2"));
        assertEquals(List.of(new Difference("/temperature", "0.7", "0.2")), why.differences());
        assertEquals(List.of(), why.causes());
        assertEquals(id(stored), why.nearestKey());
        assertEquals("nearest entry " + id(stored) + ": /temperature 0.7 -> 0.2", why.summary());
        assertEquals(1, why.candidatesCompared());
    }

    @Test
    void theSameTemperatureWrittenWithATrailingZeroIsNoDifference() {
        chat().storeIn(store, 1000);
        Explanation why = explain(chat().set("temperature", "0.70").set("seed", "7"));
        assertEquals(List.of(new Difference("/seed", "(absent)", "7")), why.differences());
    }

    @Test
    void aChangedMessageContentIsNamedByItsPointerAndTooLongToQuoteInTheSummary() {
        CacheKey stored = chat().storeIn(store, 1000);
        Explanation why = explain(chat().body(StoredRequests.BODY.replace("rivers of France", "rivers of Spain")));
        assertEquals(1, why.differences().size());
        Difference difference = why.differences().get(0);
        assertEquals("/messages/1/content", difference.pointer());
        assertTrue(difference.before().startsWith("\"Name three rivers of France"), difference.before());
        assertTrue(difference.after().startsWith("\"Name three rivers of Spain"), difference.after());
        assertEquals("nearest entry " + id(stored) + ": /messages/1/content differs", why.summary());
    }

    @Test
    void anAddedMessageIsOneDifferenceAtItsIndex() {
        chat().storeIn(store, 1000);
        Explanation why = explain(chat().body(StoredRequests.BODY.replace("]}",
                ",{\"role\":\"assistant\",\"content\":\"Loire\"},{\"role\":\"user\",\"content\":\"More\"}]}")));
        assertEquals(List.of(new Difference("/messages/2", "(absent)", "{\u2026}"),
                new Difference("/messages/3", "(absent)", "{\u2026}")), why.differences());
        assertTrue(why.summary().endsWith(": /messages/2 (absent) -> {...}; /messages/3 (absent) -> {...}"),
                why.summary());
    }

    @Test
    void anotherModelIsTheDifferenceWhenNoEntryHasTheRequestedModel() {
        CacheKey stored = chat().storeIn(store, 1000);
        Explanation why = explain(chat().set("model", "\"gpt-4o-mini\""));
        assertEquals(List.of(new Difference("/model", "\"gpt-4o\"", "\"gpt-4o-mini\"")), why.differences());
        assertEquals("nearest entry " + id(stored) + ": /model \"gpt-4o\" -> \"gpt-4o-mini\"", why.summary());
    }

    @Test
    void entriesOfTheRequestedModelAreComparedBeforeAnyOther() {
        chat().set("model", "\"gpt-4o-mini\"").set("temperature", "0.2").storeIn(store, 2000);
        CacheKey sameModel = chat().set("seed", "1").set("top_p", "0.5").storeIn(store, 1000);
        Explanation why = explain(chat().set("temperature", "0.2"));
        assertEquals(id(sameModel), why.nearestKey(), "same model, though more fields differ");
        assertEquals(1, why.candidatesCompared());
    }

    @Test
    void theNearestIsTheEntryWithTheFewestDifferences() {
        chat().set("temperature", "0.1").set("seed", "1").storeIn(store, 3000);
        CacheKey nearest = chat().set("temperature", "0.1").storeIn(store, 1000);
        chat().set("temperature", "0.1").set("seed", "1").set("top_p", "1").storeIn(store, 2000);
        Explanation why = explain(chat());
        assertEquals(id(nearest), why.nearestKey());
        assertEquals(3, why.candidatesCompared());
    }

    @Test
    void ofEquallyNearEntriesTheNewestIsNamed() {
        chat().set("temperature", "0.1").storeIn(store, 1000);
        CacheKey newest = chat().set("temperature", "0.3").storeIn(store, 3000);
        chat().set("temperature", "0.2").storeIn(store, 2000);
        assertEquals(id(newest), explain(chat()).nearestKey());
    }

    @Test
    void anotherCallersEntryIsNeverComparedAndTheAnswerIsTheSameAsForAnEmptyStore() {
        Explanation nothing = explain(chat().set("temperature", "0.9"));
        chat().with(Part.PARTITION, THEIRS).storeIn(store, 1000);
        chat().with(Part.PARTITION, THEIRS).set("temperature", "0.9").storeIn(store, 2000);
        for (StoredRequests guess : List.of(chat(), chat().set("temperature", "0.9"), chat().set("seed", "1"))) {
            assertEquals(nothing, explain(guess), "another caller's entries do not shape the explanation");
        }
        assertEquals(NOTHING_OF_MINE, nothing.summary());
        assertEquals(List.of(NOTHING_OF_MINE + NOT_COMPARED), nothing.causes());
        assertEquals(0, nothing.candidatesCompared());
    }

    @Test
    void anotherCallersEntryBesideOnesOwnIsNeverTheNearest() {
        CacheKey mine = chat().set("temperature", "0.1").set("seed", "1").set("top_p", "1").storeIn(store, 1000);
        chat().with(Part.PARTITION, THEIRS).set("temperature", "0.2").storeIn(store, 2000);
        Explanation why = explain(chat().set("temperature", "0.2"));
        assertEquals(id(mine), why.nearestKey());
        assertEquals(1, why.candidatesCompared());
        assertEquals(List.of(new Difference("/seed", "1", "(absent)"), new Difference("/temperature", "0.1", "0.2"),
                new Difference("/top_p", "1", "(absent)")), why.differences(), "one's own values are shown");
    }

    @Test
    void entriesRecordedWhileTheCacheWasSharedAreAnotherPartitionToACallerOfItsOwn() {
        chat().with(Part.PARTITION, CacheKeyFactory.SHARED).set("temperature", "0.9").storeIn(store, 1000);
        assertEquals(NOTHING_OF_MINE, explain(chat()).summary());
    }

    @Test
    void whenTheCacheIsSharedEntriesOfOneCallerAreNeverCompared() {
        chat().set("temperature", "0.9").storeIn(store, 1000);
        Explanation why = explain(chat().with(Part.PARTITION, CacheKeyFactory.SHARED));
        assertEquals(NOTHING_OF_MINE, why.summary());
        assertEquals(List.of(NOTHING_OF_MINE + "; entries recorded by one caller before the cache was shared are "
                + "never compared"), why.causes());
    }

    @Test
    void whenTheCacheIsSharedTheSharedEntriesAreTheCallersOwn() {
        CacheKey shared = chat().with(Part.PARTITION, CacheKeyFactory.SHARED).set("temperature", "0.9").storeIn(store, 1000);
        chat().set("temperature", "0.8").storeIn(store, 2000); // recorded by one caller before the cache was shared
        Explanation why = explain(chat().with(Part.PARTITION, CacheKeyFactory.SHARED));
        assertEquals(id(shared), why.nearestKey());
        assertEquals(List.of(new Difference("/temperature", "0.9", "0.7")), why.differences());
    }

    @Test
    void anotherNamespaceIsNamedWithBoth() {
        chat().with(Part.NAMESPACE, "a").storeIn(store, 1000);
        Explanation why = explain(chat().with(Part.NAMESPACE, "b"));
        assertEquals(List.of("recorded in namespace 'a', this request is in 'b'"), why.causes());
        assertTrue(why.summary().endsWith(": namespace 'a' -> 'b'"), why.summary());
    }

    @Test
    void anEntryInNoNamespaceSaysSo() {
        chat().storeIn(store, 1000);
        Explanation why = explain(chat().with(Part.NAMESPACE, "b"));
        assertEquals(List.of("recorded in no namespace, this request is in 'b'"), why.causes());
        assertTrue(why.summary().endsWith(": namespace (none) -> 'b'"), why.summary());
    }

    @Test
    void aVaryHeaderThatDiffersIsNamedWithBothValues() {
        chat().header("openai-beta", "assistants=v1").storeIn(store, 1000);
        Explanation why = explain(chat().header("openai-beta", "assistants=v2").header("openai-project", "proj_1"));
        assertEquals(List.of("header openai-beta differs: stored 'assistants=v1', request 'assistants=v2'",
                "header openai-project differs: stored (absent), request 'proj_1'"), why.causes());
        assertTrue(why.summary().contains("header openai-beta 'assistants=v1' -> 'assistants=v2'"), why.summary());
    }

    @Test
    void aDifferentQueryIsNamed() {
        chat().with(Part.QUERY, "api-version=2024-06-01").storeIn(store, 1000);
        Explanation why = explain(chat().with(Part.QUERY, "api-version=2024-10-21"));
        assertEquals(List.of("query differs: stored 'api-version=2024-06-01', request 'api-version=2024-10-21'"),
                why.causes());
    }

    @Test
    void aDifferentMethodIsNamed() {
        chat().with(Part.METHOD, "PUT").storeIn(store, 1000);
        assertEquals(List.of("method differs: stored PUT, request POST"), explain(chat()).causes());
    }

    @Test
    void anEntryOfAnOlderKeyRecipeSaysToImportOrReRecord() {
        RequestRecord old = chat().with(Part.RECIPE, "modelcache-key-2").record();
        CacheKey oldKey = new CacheKey("ab".repeat(32)); // what the older recipe computed
        store.put(oldKey, old, StoredRequests.answer(1000));
        Explanation why = explain(chat());
        assertEquals(List.of("recorded with key recipe modelcache-key-2, now " + CacheKeyFactory.VERSION
                + ": import or re-record"), why.causes());
        assertEquals("abababababab", why.nearestKey());
        assertEquals(List.of(), why.differences());
    }

    @Test
    void ignoredFieldsAreNeverReported() {
        chat().set("user", "\"alice\"").set("metadata", "{\"run\":1}").storeIn(store, 1000);
        Explanation why = explain(chat().set("user", "\"bob\"").set("metadata", "{\"run\":2}").set("temperature", "1"));
        assertEquals(List.of(new Difference("/temperature", "0.7", "1")), why.differences());
        assertFalse(why.toJson().toString().contains("alice"));
    }

    @Test
    void aRequestDifferingOnlyInIgnoredFieldsFindsTheIdenticalEntry() {
        CacheKey stored = chat().set("user", "\"alice\"").storeIn(store, 1000);
        chat().set("temperature", "0").storeIn(store, 2000);
        Explanation why = explain(chat().set("user", "\"bob\""));
        assertEquals(id(stored), why.nearestKey());
        assertEquals(1, why.causes().size());
        assertTrue(why.causes().get(0).startsWith("an identical entry exists (key " + id(stored) + ")"),
                why.causes().toString());
        assertEquals("nearest entry " + id(stored) + ": an identical entry exists (key " + id(stored) + ")",
                why.summary());
    }

    @Test
    void anEntryKeyedWhenOtherFieldsWereIgnoredSaysToReKey() {
        CacheKeyFactory ignoringNothing = new CacheKeyFactory(
                "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII), List.of(), false);
        RequestRecord recorded = chat().set("user", "\"alice\"").record();
        store.put(ignoringNothing.create(recorded), recorded, StoredRequests.answer(1000));
        Explanation why = explain(chat().set("user", "\"bob\""));
        assertEquals(List.of(), why.differences());
        assertEquals(1, why.causes().size());
        assertTrue(why.causes().get(0).contains("the ignored fields changed since it was recorded"),
                why.causes().toString());
    }

    @Test
    void aNonJsonBodyThatDiffersIsNamedByItsMediaType() {
        chat().with(Part.PATH, "/v1/audio/transcriptions").bytes("multipart/form-data; boundary=x", "a".repeat(64))
                .storeIn(store, 1000);
        Explanation why = explain(chat().with(Part.PATH, "/v1/audio/transcriptions")
                .bytes("multipart/form-data; boundary=y", "b".repeat(64)));
        assertEquals(List.of("the request body (multipart/form-data) differs"), why.causes());
        assertEquals(List.of(), why.differences());
    }

    @Test
    void aBodyOfAnotherTypeIsNamed() {
        chat().with(Part.PATH, "/v1/audio/transcriptions").bytes("multipart/form-data", "a".repeat(64)).storeIn(store, 1000);
        Explanation why = explain(chat().with(Part.PATH, "/v1/audio/transcriptions"));
        assertEquals(List.of("the stored request has a non-JSON body, this request has a JSON body"), why.causes());
    }

    @Test
    void noEntryForThePathSaysSoWithoutCountingAnyOther() {
        chat().with(Part.PATH, "/v1/embeddings").storeIn(store, 1000);
        chat().with(Part.PATH, "/v1/chat/completions/other").storeIn(store, 1000);
        Explanation why = explain(chat());
        assertEquals(NOTHING_OF_MINE, why.summary());
        assertEquals(List.of(NOTHING_OF_MINE + NOT_COMPARED), why.causes());
        assertNull(why.nearestKey());
        assertEquals(0, why.candidatesCompared());
        assertTrue(why.toJson().get("nearestKey").isNull());
    }

    @Test
    void anEmptyStoreSaysSo() {
        assertEquals(NOTHING_OF_MINE, explain(chat()).summary());
    }

    @Test
    void atMost32StoredRequestsAreReadWhateverTheStoreHolds() {
        for (int i = 0; i < 40; i++) {
            chat().set("seed", Integer.toString(i)).storeIn(store, 1000 + i);
        }
        Counting counting = new Counting(store);
        Explanation why = new MissExplainer(counting, KEYS).explain(chat().set("seed", "0").record());
        assertEquals(MissExplainer.MAX_CANDIDATES, why.candidatesCompared());
        assertEquals(MissExplainer.MAX_CANDIDATES, counting.reads.get());
        assertEquals(List.of(new Difference("/seed", "39", "0")), why.differences(),
                "the identical entry is older than the 32 newest, so the newest of the nearest is named");
    }

    @Test
    void theNextMissOfTheSamePathReadsOnlyTheRecordsItHasNotReadBefore() {
        for (int i = 0; i < 40; i++) {
            chat().set("seed", Integer.toString(i)).storeIn(store, 1000 + i);
        }
        Counting counting = new Counting(store);
        MissExplainer reused = new MissExplainer(counting, KEYS);
        Explanation first = reused.explain(chat().set("seed", "0").record());
        assertEquals(MissExplainer.MAX_CANDIDATES, counting.reads.get());
        chat().set("seed", "40").storeIn(store, 2000);
        Explanation second = reused.explain(chat().set("seed", "0").record());
        assertEquals(MissExplainer.MAX_CANDIDATES + 1, counting.reads.get(), "only the entry stored since is read");
        assertEquals(first.candidatesCompared(), second.candidatesCompared());
        assertEquals(List.of(new Difference("/seed", "40", "0")), second.differences());
        assertEquals(new MissExplainer(store, KEYS).explain(chat().set("seed", "0").record()).toJson(),
                second.toJson(), "the same explanation as from the records");
    }

    @Test
    void theNextMissOfTheSamePathComputesTheKeyOfNoRequestItComparedBefore() {
        for (int i = 0; i < 40; i++) {
            chat().set("seed", Integer.toString(i)).storeIn(store, 1000 + i);
        }
        CacheKeyFactory keys = org.mockito.Mockito.spy(KEYS);
        MissExplainer reused = new MissExplainer(store, keys);
        RequestRecord missed = chat().set("seed", "0").record();
        CacheKey missedKey = KEYS.create(missed);
        reused.explain(missed, missedKey);
        org.mockito.Mockito.clearInvocations(keys);
        chat().set("seed", "40").storeIn(store, 2000);
        Explanation second = reused.explain(missed, missedKey);
        // Before: each of the 32 candidates' keys, and the missed request's, computed again at every miss (33).
        org.mockito.Mockito.verify(keys, org.mockito.Mockito.times(1)).create(org.mockito.ArgumentMatchers.any(RequestRecord.class));
        assertEquals(new MissExplainer(store, KEYS).explain(missed).toJson(), second.toJson(),
                "the same explanation as from the records");
    }

    @Test
    void theRequestOfAnEntryJustStoredIsReadThenNotAtTheNextMiss() {
        for (int i = 0; i < 40; i++) {
            chat().set("seed", Integer.toString(i)).storeIn(store, 1000 + i);
        }
        Counting counting = new Counting(store);
        MissExplainer reused = new MissExplainer(counting, KEYS);
        RequestRecord missed = chat().set("seed", "0").record();
        reused.explain(missed);
        CacheKey stored = chat().set("seed", "40").storeIn(store, 2000);
        reused.stored(stored, 200); // after the store, off the request's thread
        int before = counting.reads.get();
        Explanation next = reused.explain(missed);
        // Before: the miss read the record of the entry stored since, on the request's thread.
        assertEquals(before, counting.reads.get(), "the next miss read no record");
        assertEquals(new MissExplainer(store, KEYS).explain(missed).toJson(), next.toJson(),
                "the same explanation as from the records");
    }

    @Test
    void aRequestKeptFromAnEarlierMissStillSaysToReKey() {
        CacheKeyFactory ignoringNothing = new CacheKeyFactory(
                "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII), List.of(), false);
        RequestRecord recorded = chat().set("user", "\"alice\"").record();
        store.put(ignoringNothing.create(recorded), recorded, StoredRequests.answer(1000));
        RequestRecord missed = chat().set("user", "\"bob\"").record();
        Explanation first = explainer.explain(missed);
        Explanation second = explainer.explain(missed); // the stored request kept from the first
        assertTrue(second.causes().get(0).contains("the ignored fields changed since it was recorded"),
                second.causes().toString());
        assertEquals(first.toJson(), second.toJson());
    }

    @Test
    void theSearchStopsAtAnIdenticalEntry() {
        chat().set("seed", "1").storeIn(store, 1000);
        chat().storeIn(store, 3000);
        chat().set("seed", "2").storeIn(store, 2000);
        Counting counting = new Counting(store);
        Explanation why = new MissExplainer(counting, KEYS).explain(chat().record());
        assertEquals(1, why.candidatesCompared());
        assertEquals(1, counting.reads.get());
    }

    @Test
    void anEntryRemovedAfterTheListingIsSkipped() {
        CacheKey gone = chat().set("seed", "1").storeIn(store, 2000);
        CacheKey kept = chat().set("seed", "2").set("top_p", "1").storeIn(store, 1000);
        ResponseStore removing = new Counting(store) {
            @Override
            public Optional<RequestRecord> request(CacheKey key) {
                return key.equals(gone) ? Optional.empty() : super.request(key);
            }
        };
        Explanation why = new MissExplainer(removing, KEYS).explain(chat().record());
        assertEquals(id(kept), why.nearestKey());
        assertEquals(1, why.candidatesCompared());
    }

    @Test
    void aStoreThatFailsGivesAnExplanationRatherThanAnError() {
        ResponseStore failing = new Counting(store) {
            @Override
            public List<EntrySummary> list(EntryFilter filter) {
                throw new IllegalStateException("disk on fire at /secret/path");
            }
        };
        Explanation why = new MissExplainer(failing, KEYS).explain(chat().record());
        assertEquals("the miss could not be explained: the store could not be read (IllegalStateException)",
                why.summary());
        assertNull(why.nearestKey());
    }

    @Test
    void theHeaderSummaryIsAsciiAndAtMost200CharactersWhateverTheValues() {
        String unicode = "\u00e9t\u00e9 \u2603 \uD83D\uDE00 \u4e2d\u6587\r\nX-Injected: yes\u0000";
        chat().with(Part.NAMESPACE, "ns-" + unicode.repeat(20)).set("temperature", "0.1")
                .set("stop", "\"" + unicode.replace("\r\n", "\\r\\n").replace("\u0000", "\\u0000") + "\"")
                .header("openai-beta", unicode.repeat(10)).storeIn(store, 1000);
        Explanation why = explain(chat().with(Part.NAMESPACE, "other " + unicode).header("openai-beta", "v\u00e9")
                .set("stop", "\"\u00e9\"").set("\u00e9" + "k".repeat(300), "\"" + "\u4e2d".repeat(500) + "\""));
        assertTrue(why.summary().matches(ASCII_LINE), why.summary());
        assertTrue(why.summary().length() <= Explanation.SUMMARY_LIMIT, why.summary().length() + " characters");
        assertTrue(why.summary().startsWith("nearest entry "), why.summary());
        assertTrue(why.summary().endsWith(" and 2 more"), why.summary());
    }

    @Test
    void longItemsAreCutSoTheCountOfTheRestIsNeverLost() {
        String longName = "f".repeat(500);
        chat().set(longName + "1", "1").set(longName + "2", "1").set(longName + "3", "1").set("seed", "1")
                .storeIn(store, 1000);
        Explanation why = explain(chat().with(Part.NAMESPACE, "n".repeat(300)));
        assertTrue(why.summary().length() <= Explanation.SUMMARY_LIMIT, why.summary().length() + " characters");
        assertTrue(why.summary().endsWith("... and 2 more"), why.summary());
        assertEquals("/" + longName + "1", why.differences().get(0).pointer(), "the JSON names the whole path");
    }

    @Test
    void theSummaryNamesThreeItemsAndCountsTheRest() {
        chat().set("a", "1").set("b", "1").set("c", "1").set("d", "1").set("e", "1").storeIn(store, 1000);
        Explanation why = explain(chat().with(Part.NAMESPACE, "x"));
        assertTrue(why.summary().endsWith(": namespace (none) -> 'x'; /a 1 -> (absent); /b 1 -> (absent)"
                + " and 3 more"), why.summary());
    }

    @Test
    void theJsonCarriesEveryPart() {
        CacheKey stored = chat().with(Part.NAMESPACE, "a").storeIn(store, 1000);
        ObjectNode json = explain(chat().with(Part.NAMESPACE, "a").set("temperature", "0.2")).toJson();
        assertEquals("nearest entry " + id(stored) + ": /temperature 0.7 -> 0.2", json.get("summary").asText());
        assertEquals(id(stored), json.get("nearestKey").asText());
        assertEquals(0, json.get("causes").size());
        assertEquals("/temperature", json.at("/differences/0/path").asText());
        assertEquals("0.7", json.at("/differences/0/stored").asText());
        assertEquals("0.2", json.at("/differences/0/request").asText());
        assertEquals(0, json.get("moreDifferences").asInt());
        assertEquals(1, json.get("candidatesCompared").asInt());
    }

    @Test
    void aHostileRequestGetsASmallExplanation() {
        chat().storeIn(store, 1000);
        String big = "x".repeat(1_000_000);
        String deep = "[".repeat(990) + "1" + "]".repeat(990);
        Explanation why = explain(chat().set("temperature", "1e999999999").set("top_p", "1e-999999999")
                .set("max_tokens", "9".repeat(999)).set("seed", "100e2147483647").set("stop", deep)
                .set("prompt", "\"" + big + "\"").set(big, "1"));
        assertTrue(why.differences().contains(new Difference("/temperature", "0.7", "1E+999999999")),
                why.differences().toString());
        String json = why.toJson().toString();
        assertTrue(json.length() < 8_000, json.length() + " characters");
        assertTrue(why.summary().length() <= Explanation.SUMMARY_LIMIT);
    }

    @Test
    void theWholeExplanationIsBoundedWhateverTheBodies() {
        String name = "f".repeat(2_000);
        StoredRequests stored = chat();
        StoredRequests missed = chat().with(Part.NAMESPACE, "n".repeat(128)).with(Part.QUERY, "q=" + "v".repeat(5_000))
                .header("openai-beta", "b".repeat(5_000));
        for (int i = 0; i < 80; i++) {
            stored.set(name + i, "\"" + "s".repeat(3_000) + "\"");
            missed.set(name + i, "\"" + "m".repeat(3_000) + "\"");
        }
        stored.storeIn(store, 1000);
        Explanation why = explain(missed);
        assertEquals(JsonDiff.DEFAULT_LIMIT, why.differences().size());
        assertTrue(why.toJson().toString().length() < 64 * 1024, why.toJson().toString().length() + " characters");
    }

    @Test
    void theComparisonsOfOneExplanationVisitABoundedNumberOfValues() {
        String many = "[" + "1,".repeat(29_999) + "1]";
        for (int i = 0; i < 10; i++) {
            chat().set("seed", Integer.toString(i)).set("tokens", many).storeIn(store, 1000 + i);
        }
        Explanation why = explain(chat().set("tokens", many.replace('1', '2')));
        assertEquals(5, why.candidatesCompared(), "20 000 values each, 100 000 in all");
        assertTrue(why.causes().contains("the bodies were compared in part: the explainer reads at most 20000 values"
                + " of them, 64 levels deep"), why.causes().toString());
    }

    @Test
    void noMoreRecordsAreReadOnceTheirBytesPassTheBound() {
        for (int i = 0; i < 10; i++) {
            chat().set("seed", Integer.toString(i)).storeIn(store, 1000 + i);
        }
        Counting large = new Counting(store) {
            @Override
            public List<EntrySummary> list(EntryFilter filter) {
                return super.list(filter).stream().map(e -> new EntrySummary(e.key(), e.provider(), e.model(),
                        e.method(), e.path(), e.partition(), e.namespace(), e.status(), e.eventStream(),
                        e.storedAtMillis(), e.bodyBytes(), 40L * 1024 * 1024, e.ttlMillis())).toList();
            }
        };
        Explanation why = new MissExplainer(large, KEYS).explain(chat().record());
        assertEquals(2, why.candidatesCompared());
        assertEquals(2, large.reads.get());
    }

    @Test
    void nothingToCompareNamesALongPathShort() {
        Explanation why = explain(chat().with(Part.PATH, CHAT + "/x".repeat(5_000)));
        assertTrue(why.causes().get(0).length() < 300, why.causes().get(0));
        assertTrue(why.summary().length() <= Explanation.SUMMARY_LIMIT);
    }

    /** A store that counts the records it is asked to read, and otherwise is the store it wraps. */
    private static class Counting implements ResponseStore {
        private final ResponseStore store;
        final AtomicInteger reads = new AtomicInteger();

        Counting(ResponseStore store) {
            this.store = store;
        }

        @Override
        public Optional<CachedResponse> get(CacheKey key) {
            return store.get(key);
        }

        @Override
        public boolean put(CacheKey key, RequestRecord request, CachedResponse response) {
            return store.put(key, request, response);
        }

        @Override
        public boolean remove(CacheKey key) {
            return store.remove(key);
        }

        @Override
        public Optional<RequestRecord> request(CacheKey key) {
            reads.incrementAndGet();
            return store.request(key);
        }

        @Override
        public List<EntrySummary> list(EntryFilter filter) {
            return store.list(filter);
        }

        @Override
        public StoreStats stats() {
            return store.stats();
        }

        @Override
        public void close() {
            // The wrapped store is closed by the test.
        }
    }
}
