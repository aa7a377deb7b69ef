package dev.modelcache.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelcache.cache.CacheKey;
import dev.modelcache.cache.CacheKeyFactory;
import dev.modelcache.cache.CanonicalJson;
import dev.modelcache.cache.RequestRecord;
import dev.modelcache.http.Exchange;
import dev.modelcache.http.Headers;
import dev.modelcache.http.JsonParsers;
import dev.modelcache.http.ProxyError;
import dev.modelcache.fuzz.JsonGen.J;
import dev.modelcache.fuzz.JsonGen.Obj;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;

/**
 * The canonical JSON and the key: the canonical form of a canonical form is itself; any spelling of one request
 * (members reordered, whitespace, {@code 0.7} as {@code 7E-1}, characters escaped, query parameters reordered) has
 * one key; and two requests with one key are the same request, field by field.
 */
@AddLifecycleHook(FuzzTries.class)
class CanonicalKeyFuzzTest {
    private static final long MAX_BYTES = 256L << 20;
    /** Nothing ignored, so that "same key" must mean "same request" with no exception. */
    private static final CacheKeyFactory EXACT = new CacheKeyFactory(
            "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII), List.of(), false);

    @Provide
    Arbitrary<J> bodies() {
        return JsonGen.bodies();
    }

    @Provide
    Arbitrary<String> hostile() {
        return JsonGen.hostileTexts();
    }

    @Property(tries = 500)
    void theCanonicalFormOfAnyDocumentIsIdempotent(@ForAll("bodies") J body, @ForAll long seed) throws Exception {
        canonicalFormIsIdempotent(JsonGen.write(body, seed));
    }

    @Property(tries = 500)
    void theCanonicalFormOfAnyHostileTextIsIdempotent(@ForAll("hostile") String text) throws Exception {
        canonicalFormIsIdempotent(text);
    }

    @Example
    void theCanonicalFormsOfTheCorpusAreIdempotent() throws Exception {
        for (String text : Corpus.texts("json")) {
            canonicalFormIsIdempotent(text);
        }
    }

    private static void canonicalFormIsIdempotent(String text) throws Exception {
        Bounded.call(MAX_BYTES, () -> {
            JsonNode tree;
            try {
                tree = JsonParsers.REQUEST.readTree(text);
            } catch (com.fasterxml.jackson.core.JsonProcessingException | NumberFormatException notJson) {
                return null; // Exchange refuses these with 400 (RequestReaderFuzzTest)
            }
            if (tree == null) {
                return null;
            }
            byte[] once = CanonicalJson.bytes(tree);
            byte[] twice = CanonicalJson.bytes(JsonParsers.REQUEST.readTree(once));
            assertArrayEquals(once, twice, () -> "canon(canon(x)) != canon(x) for " + abbreviated(text) + ": "
                    + abbreviated(new String(once, StandardCharsets.UTF_8)) + " then "
                    + abbreviated(new String(twice, StandardCharsets.UTF_8)));
            return null;
        });
    }

    @Property(tries = 500)
    void everySpellingOfOneRequestHasOneKey(@ForAll("bodies") J body, @ForAll long seed,
                                            @ForAll("parameterLists") List<String> query) throws Exception {
        List<String> shuffled = new ArrayList<>(query);
        java.util.Collections.shuffle(shuffled, new java.util.Random(seed));
        RequestRecord plain = record(JsonGen.write(body), String.join("&", query), "org-1");
        RequestRecord respelled = record(JsonGen.write(body, seed), String.join("&", shuffled), "org-1");
        assertEquals(canonical(plain), canonical(respelled));
        assertEquals(EXACT.create(plain), EXACT.create(respelled), () -> "respelled as " + JsonGen.write(body, seed));
    }

    /**
     * Equal keys if and only if equal requests: the second request is the first, respelled, with at most one member
     * of the body, the query or a vary header changed (and the change may happen to give the same value).
     */
    @Property(tries = 500)
    void twoRequestsWithOneKeyAreTheSameRequest(@ForAll("bodies") J body, @ForAll long seed,
                                                @ForAll("parameterLists") List<String> query,
                                                @ForAll("edits") Edit edit) throws Exception {
        RequestRecord first = record(JsonGen.write(body), String.join("&", query), "org-1");
        RequestRecord second = switch (edit.where) {
            case 0 -> record(JsonGen.write(edit.applyTo(body), seed), String.join("&", query), "org-1");
            case 1 -> record(JsonGen.write(body, seed), String.join("&", edit.applyTo(query)), "org-1");
            default -> record(JsonGen.write(body, seed), String.join("&", query), edit.name);
        };
        boolean sameKey = EXACT.create(first).equals(EXACT.create(second));
        boolean sameRequest = canonical(first).equals(canonical(second));
        assertEquals(sameRequest, sameKey, () -> "key equality disagrees with request equality:\n  "
                + abbreviated(canonical(first)) + "\n  " + abbreviated(canonical(second)));
    }

    /** One change: a body member (where 0), a query parameter (1) or the vary header (2) set to {@code name}/{@code value}. */
    record Edit(int where, String name, J value) {
        J applyTo(J body) {
            Map<String, J> members = new LinkedHashMap<>(((Obj) body).members());
            members.put(name, value);
            return new Obj(members);
        }

        List<String> applyTo(List<String> query) {
            List<String> changed = new ArrayList<>(query);
            changed.add(name + "=" + (value instanceof JsonGen.Str s ? s.value().replaceAll("[^A-Za-z0-9]", "") : "1"));
            return changed;
        }
    }

    @Provide
    Arbitrary<Edit> edits() {
        return Combinators.combine(Arbitraries.integers().between(0, 2),
                        Arbitraries.of("model", "temperature", "stream", "n", "org-1", "org-2", "a"),
                        JsonGen.values(1))
                .as(Edit::new);
    }

    @Provide
    Arbitrary<List<String>> parameterLists() {
        return Combinators.combine(Arbitraries.of("alt", "a", "b", "api-version", "x"),
                        Arbitraries.strings().alpha().numeric().ofMaxLength(4))
                .as((name, value) -> name + "=" + value).list().ofMaxSize(3);
    }

    private static RequestRecord record(String json, String query, String organization) throws Exception {
        return Bounded.call(MAX_BYTES, () -> {
            Exchange exchange = new Exchange("POST", "/v1/chat/completions", query.isEmpty() ? null : query,
                    Headers.of("Content-Type", "application/json", "Authorization", "Bearer sk-one",
                            "OpenAI-Organization", organization),
                    json.getBytes(StandardCharsets.UTF_8));
            try {
                return RequestRecord.of(Targets.OPENAI, exchange, EXACT);
            } catch (ProxyError e) {
                throw new AssertionError("a generated body was refused: " + e.getMessage() + ": " + abbreviated(json));
            }
        });
    }

    /** Everything the key depends on, written out: two records with equal texts are the same request. */
    static String canonical(RequestRecord r) {
        return String.join("\n", r.provider(), r.method(), r.path(), r.query(), new TreeMap<>(r.varyHeaders()).toString(),
                r.partition(), r.namespace(), String.valueOf(r.sequence()), r.bodyType(),
                new String(CanonicalJson.bytes(r.body()), StandardCharsets.UTF_8));
    }

    static String abbreviated(String text) {
        return text.length() <= 300 ? text : text.substring(0, 300) + "... (" + text.length() + " chars)";
    }

    @Example
    void aNumberWithTrailingZerosIsTheSameRequestButAnIntegerIsNot() throws Exception {
        String a = canonical(record("{\"model\":\"gpt-4o\",\"temperature\":0.70}", "", "o"));
        String b = canonical(record("{\"temperature\":7E-1,\"model\":\"gpt-4o\"}", "", "o"));
        String c = canonical(record("{\"temperature\":1,\"model\":\"gpt-4o\"}", "", "o"));
        String d = canonical(record("{\"temperature\":1.0,\"model\":\"gpt-4o\"}", "", "o"));
        assertEquals(a, b);
        org.junit.jupiter.api.Assertions.assertNotEquals(c, d);
    }

    static CacheKey key(RequestRecord record) {
        return EXACT.create(record);
    }
}
