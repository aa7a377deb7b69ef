package dev.modelcache.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.modelcache.cache.CacheKey;
import dev.modelcache.cache.RequestRecord;
import dev.modelcache.http.Exchange;
import dev.modelcache.http.Headers;
import dev.modelcache.http.ProxyError;
import dev.modelcache.http.Redacted;
import dev.modelcache.http.RequestTarget;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;

/**
 * The request reader and its normalisers under hostile input: whatever a client sends as path, query, headers and
 * body, reading it either succeeds or is refused with a 400 (413 for size) {@link ProxyError}, never anything a
 * servlet would turn into a 500; and the normal forms are what the key can trust: idempotent, one per resource,
 * and never carrying a credential into the record.
 */
@AddLifecycleHook(FuzzTries.class)
class RequestReaderFuzzTest {
    private static final long MAX_BYTES = 256L << 20;

    @Provide
    Arbitrary<String> paths() {
        return Targets.paths();
    }

    @Provide
    Arbitrary<String> queries() {
        return Targets.queries();
    }

    @Provide
    Arbitrary<String> bodies() {
        return JsonGen.hostileTexts();
    }

    @Provide
    Arbitrary<List<String>> plainSegments() {
        return Arbitraries.strings().withCharRange('a', 'z').withChars("-._~0123456789").ofMinLength(1).ofMaxLength(6)
                .filter(s -> !s.equals(".") && !s.equals("..")).list().ofMaxSize(5);
    }

    @Property(tries = 3000)
    void aPathIsNormalOrRefusedWith400AndItsNormalFormIsIdempotent(@ForAll("paths") String raw) {
        String normal;
        try {
            normal = RequestTarget.normalPath(raw);
        } catch (ProxyError e) {
            assertEquals(400, e.status());
            assertEquals("invalid_path", e.code());
            return;
        }
        assertTrue(normal.startsWith("/"), normal);
        assertEquals(normal, RequestTarget.normalPath(normal), "normalising twice changes nothing");
        assertFalse(normal.contains("//"), normal);
        for (String segment : normal.split("/")) {
            assertFalse(segment.equals(".") || segment.equals(".."), "a dot segment is left in " + normal);
        }
        for (int i = normal.indexOf('%'); i >= 0; i = normal.indexOf('%', i + 1)) {
            String escape = normal.substring(i + 1, i + 3);
            assertEquals(escape.toUpperCase(java.util.Locale.ROOT), escape, "escapes are upper case: " + normal);
            assertFalse(Targets.unreserved((char) Integer.parseInt(escape, 16)), "an unreserved char stays escaped: " + normal);
        }
    }

    /** One resource, one spelling: escapes of unreserved characters, "./", "x/../" and "//" change nothing. */
    @Property(tries = 2000)
    void respelledPathsNormaliseToTheSamePath(@ForAll("plainSegments") List<String> segments, @ForAll long seed) {
        String plain = "/" + String.join("/", segments);
        Random random = new Random(seed);
        StringBuilder respelled = new StringBuilder();
        for (String segment : segments) {
            respelled.append(random.nextInt(4) == 0 ? "//" : "/");
            if (random.nextInt(4) == 0) {
                respelled.append(random.nextBoolean() ? "./" : "zz/../");
            }
            for (char c : segment.toCharArray()) {
                if (random.nextInt(3) == 0) {
                    String hex = String.format("%02X", (int) c);
                    respelled.append('%').append(random.nextBoolean() ? hex : hex.toLowerCase(java.util.Locale.ROOT));
                } else {
                    respelled.append(c);
                }
            }
        }
        if (segments.isEmpty()) {
            respelled.append('/');
        }
        assertEquals(RequestTarget.normalPath(plain), RequestTarget.normalPath(respelled.toString()),
                () -> "respelled as " + respelled);
    }

    @Property(tries = 3000)
    void aQueryIsKeptAsItCameOrRefusedWith400(@ForAll("queries") String raw) {
        try {
            assertEquals(raw, RequestTarget.checkedQuery(raw));
        } catch (ProxyError e) {
            assertEquals(400, e.status());
            assertEquals("invalid_query", e.code());
        }
    }

    @Example
    void theCorpusOfBodiesIsReadOrRefused() throws Exception {
        for (String body : Corpus.texts("json")) {
            anyRequestIsReadOrRefusedWith4xx("POST", "/v1/chat/completions", "", "application/json", body);
        }
    }

    /**
     * Exchange's reading (path, query, JSON body, model, stream flag) and the record and key built from it: only a
     * 4xx ProxyError may come out, in bounded time and memory.
     */
    @Property(tries = 1500)
    void anyRequestIsReadOrRefusedWith4xx(@ForAll("methods") String method, @ForAll("paths") String path,
                                           @ForAll("queries") String query, @ForAll("contentTypes") String contentType,
                                           @ForAll("bodies") String body) throws Exception {
        Headers headers = contentType.isEmpty() ? Headers.of("Authorization", "Bearer sk-test")
                : Headers.of("Content-Type", contentType, "Authorization", "Bearer sk-test");
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        Bounded.call(MAX_BYTES, () -> {
            try {
                Exchange exchange = new Exchange(method, path, query.isEmpty() ? null : query, headers, bytes);
                exchange.hasJsonBody();
                exchange.model();
                exchange.wantsStream();
                RequestRecord record = RequestRecord.of(Targets.OPENAI, exchange, Targets.KEYS);
                CacheKey key = Targets.KEYS.create(record);
                assertEquals(64, key.hex().length());
            } catch (ProxyError e) {
                assertTrue(e.status() == 400 || e.status() == 413, "status " + e.status() + ": " + e.getMessage());
            } catch (RuntimeException e) {
                fail("reading the request threw " + e, e);
            }
            return null;
        });
    }

    @Provide
    Arbitrary<String> methods() {
        return Arbitraries.of("POST", "GET", "post", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "QUERY", "X");
    }

    @Provide
    Arbitrary<String> contentTypes() {
        return Arbitraries.of("application/json", "", "APPLICATION/JSON; charset=utf-8", "text/plain",
                "application/x-ndjson", "multipart/form-data; boundary=xyz", "application/json-patch+json",
                "application/octet-stream");
    }

    /**
     * No credential in a query reaches the record (and so the record files, cassettes and listings): every parameter
     * whose name, percent-decoded, names a credential has its value blanked, however the name is spelled.
     */
    @Property(tries = 3000)
    void aCredentialInTheQueryNeverReachesTheRecord(@ForAll("queries") String query) {
        Exchange exchange;
        try {
            exchange = new Exchange("GET", "/v1beta/models", query, Headers.EMPTY, new byte[0]);
        } catch (ProxyError refused) {
            return;
        }
        String recorded = RequestRecord.of(Targets.OPENAI, exchange, Targets.KEYS).query();
        if (recorded.isEmpty()) {
            return;
        }
        for (String parameter : recorded.split("&")) {
            int equals = parameter.indexOf('=');
            if (equals < 0) {
                continue;
            }
            String name = percentDecoded(parameter.substring(0, equals));
            String value = parameter.substring(equals + 1);
            if (Redacted.SECRET_NAME.matcher(name).matches()) {
                assertTrue(value.isEmpty() || value.equals(Redacted.MARK),
                        "the credential parameter " + parameter + " of ?" + query + " reached the record as " + recorded);
            }
        }
    }

    @Example
    void anEncodedKeyNameIsBlankedToo() {
        aCredentialInTheQueryNeverReachesTheRecord("k%65y=AIzaSyTheSecretValue");
    }

    static String percentDecoded(String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '%' && i + 2 < text.length()
                    && Character.digit(text.charAt(i + 1), 16) >= 0 && Character.digit(text.charAt(i + 2), 16) >= 0) {
                out.write(Integer.parseInt(text.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                out.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
