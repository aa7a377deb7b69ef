package dev.modelcache.fuzz;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelcache.cache.CacheKeyFactory;
import dev.modelcache.cache.CachedResponse;
import dev.modelcache.stream.Chunk;
import dev.modelcache.store.DurableResponseStore;
import dev.modelcache.store.ehcache.EhcacheResponseStore;
import dev.modelcache.cache.RequestRecord;
import dev.modelcache.http.Headers;
import dev.modelcache.http.JsonParsers;
import dev.modelcache.replay.Explanation;
import dev.modelcache.replay.MissExplainer;
import dev.modelcache.tokens.Usage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * The miss explainer against a store of ordinary chat entries, asked about hostile requests (numbers such as
 * {@code 1e999999999}, deep nesting, long strings, other partitions, namespaces, queries and vary headers): every
 * explanation comes in bounded time and memory, says what differs (it never falls back to "could not be
 * explained", which means an exception was caught inside), and is bounded in size: a summary of at most
 * {@value Explanation#SUMMARY_LIMIT} printable ASCII characters, and a JSON form of a few KB.
 */
@AddLifecycleHook(FuzzTries.class)
class MissExplainerFuzzTest {
    private static final Duration TIME_PER_INPUT = Duration.ofSeconds(2);
    private static final long MAX_BYTES = 64L << 20;
    private static final int MAX_JSON_CHARS = 16 * 1024;
    private static final String MINE = "0123456789abcdef";
    private static final List<String> STORED = List.of(
            "{\"model\":\"gpt-4o\",\"temperature\":0.7,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
            "{\"model\":\"gpt-4o\",\"temperature\":1,\"seed\":12345678901234567890,\"messages\":[]}",
            "{\"model\":\"gpt-4o\",\"temperature\":1E+400,\"stream\":true,\"messages\":[[[[[1]]]]]}",
            "{\"model\":\"gpt-4o-mini\",\"tools\":[{\"name\":\"" + "x".repeat(5000) + "\"}],\"n\":2}",
            "{\"model\":\"gpt-4o\",\"temperature\":1e-999999,\"messages\":[{\"content\":\"\\u00e9\\ud83d\\ude00\"}]}");

    private static Path dir;
    private static DurableResponseStore store;
    private static MissExplainer explainer;

    @BeforeContainer
    static void openStore() throws Exception {
        dir = Files.createTempDirectory("modelcache-fuzz-explainer");
        store = EhcacheResponseStore.durable(dir, 2048, 0, 8, Duration.ZERO, Long.MAX_VALUE);
        explainer = new MissExplainer(store, Targets.KEYS);
        for (String body : STORED) {
            for (String partition : List.of(MINE, "fedcba9876543210")) {
                RequestRecord record = record(JsonParsers.REQUEST.readTree(body), "POST", "/v1/chat/completions", "",
                        Map.of(), partition, "");
                byte[] answer = "{\"choices\":[]}".getBytes(StandardCharsets.UTF_8);
                store.put(Targets.KEYS.create(record), record, new CachedResponse(200,
                        Headers.of("Content-Type", "application/json"), answer, List.of(new Chunk(answer.length, 0)),
                        System.currentTimeMillis(), Usage.NONE, "openai", record.model()));
            }
        }
    }

    @AfterContainer
    static void closeStore() throws Exception {
        store.close();
        try (var all = Files.walk(dir)) {
            all.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static RequestRecord record(JsonNode body, String method, String path, String query,
                                        Map<String, String> vary, String partition, String namespace) {
        JsonNode model = body == null ? null : body.path("model");
        return new RequestRecord("openai", method, path, query, vary, body, partition, CacheKeyFactory.VERSION,
                model != null && model.isTextual() ? model.asText() : null, namespace,
                body == null ? RequestRecord.NO_BODY : RequestRecord.JSON_BODY);
    }

    /** A missed request: a hostile body (that parses) and, now and then, another method, query, header or partition. */
    record Missed(String body, String method, String query, String organization, String partition, String namespace) {
    }

    @Provide
    Arbitrary<Missed> missed() {
        Arbitrary<String> bodies = Arbitraries.oneOf(JsonGen.hostileTexts(), JsonGen.bodies().map(JsonGen::write),
                Arbitraries.of(STORED), Corpus.textArbitrary("explainer"), Corpus.textArbitrary("json"));
        return Combinators.combine(bodies, Arbitraries.of("POST", "POST", "POST", "GET"),
                        Arbitraries.of("", "", "alt=sse", "k%65y=REDACTED", "a=" + "b".repeat(3000)),
                        Arbitraries.of("", "", "org-1", "org-\u00e9\r\n"),
                        Arbitraries.of(MINE, MINE, "fedcba9876543210", "shared"),
                        Arbitraries.of("", "", "suite-a"))
                .as(Missed::new);
    }

    @Property(tries = 400)
    void everyMissIsExplainedInBoundedTimeAndSize(@ForAll("missed") Missed missed) throws Exception {
        explainsAny(missed);
    }

    private static void explainsAny(Missed missed) throws Exception {
        JsonNode body;
        try {
            body = JsonParsers.REQUEST.readTree(missed.body());
        } catch (Exception notJson) {
            return; // refused with 400 before any explanation (RequestReaderFuzzTest)
        }
        explains(record(body, missed.method(), "/v1/chat/completions", missed.query(),
                missed.organization().isEmpty() ? Map.of() : Map.of("openai-organization", missed.organization()),
                missed.partition(), missed.namespace()));
    }

    @Example
    void aTemperatureOf1e999999999IsExplained() throws Exception {
        explains(record(JsonParsers.REQUEST.readTree("{\"model\":\"gpt-4o\",\"temperature\":1e999999999,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"), "POST", "/v1/chat/completions", "",
                Map.of(), MINE, ""));
    }

    @Example
    void anExplanationOfALongFieldNameStaysSmall() throws Exception {
        explains(record(JsonParsers.REQUEST.readTree("{\"model\":\"gpt-4o\",\"" + "n".repeat(20_000) + "\":1,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"temperature\":0.7}"), "POST",
                "/v1/chat/completions", "", Map.of(), MINE, ""));
    }

    private static void explains(RequestRecord missed) throws Exception {
        Explanation why = Bounded.call(TIME_PER_INPUT, MAX_BYTES, () -> explainer.explain(missed));
        assertFalse(why.summary().startsWith("the miss could not be explained"),
                () -> "the explainer failed inside: " + why.summary());
        assertTrue(why.summary().length() <= Explanation.SUMMARY_LIMIT, why.summary());
        assertTrue(why.summary().chars().allMatch(c -> c >= 0x20 && c < 0x7f), () -> "not printable ASCII: " + why.summary());
        String json = why.toJson().toString();
        assertTrue(json.length() <= MAX_JSON_CHARS, () -> "an explanation of " + json.length() + " chars");
    }
}
