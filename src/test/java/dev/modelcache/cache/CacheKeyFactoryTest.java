package dev.modelcache.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelcache.config.Config;
import dev.modelcache.config.Settings;
import dev.modelcache.http.Exchange;
import dev.modelcache.http.Headers;
import dev.modelcache.http.ProxyError;
import dev.modelcache.provider.ModelProvider;
import dev.modelcache.provider.ProviderTable;
import dev.modelcache.store.RecordFormat;
import dev.modelcache.stream.Chunk;
import dev.modelcache.tokens.TokenCounter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CacheKeyFactoryTest {
    private static final byte[] SALT = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final String CHAT = "/v1/chat/completions";
    private static final String KEY_A = "Bearer sk-proj-AAAAAAAAAAAAAAAA";
    private static final String KEY_B = "Bearer sk-proj-BBBBBBBBBBBBBBBB";

    private static final ProviderTable TABLE = ProviderTable.create(Config.from(Settings.of(Map.of(
            "providers/openai/baseUrl", "https://api.openai.com",
            "providers/openai/models", "gpt-*",
            "providers/groq/baseUrl", "https://api.groq.com/openai",
            "providers/groq/models", "llama*"))), new TokenCounter());
    private static final ModelProvider OPENAI = TABLE.resolve("gpt-4o");
    private static final ModelProvider GROQ = TABLE.resolve("llama-3.1-8b-instant");

    private final CacheKeyFactory factory = new CacheKeyFactory(SALT);

    private static Exchange post(String body, String... headers) {
        return new Exchange("POST", CHAT, null, Headers.of(headers), body.getBytes(StandardCharsets.UTF_8));
    }

    private static Exchange json(String body) {
        return post(body, "Content-Type", "application/json", "Authorization", KEY_A);
    }

    private CacheKey key(Exchange exchange) {
        return factory.create(OPENAI, exchange);
    }

    @Test
    void keyIsASha256HexDigestAndStable() {
        CacheKey k = key(json("{\"model\":\"gpt-4o\"}"));
        assertEquals(64, k.hex().length());
        assertTrue(k.hex().matches("[0-9a-f]{64}"));
        assertEquals(k, key(json("{\"model\":\"gpt-4o\"}")));
        assertEquals(k.hex(), k.toString());
    }

    @Test
    void fieldOrderDoesNotChangeTheKey() {
        assertEquals(key(json("{\"model\":\"gpt-4o\",\"temperature\":0,\"messages\":[]}")),
                key(json("{\"messages\":[],\"temperature\":0,\"model\":\"gpt-4o\"}")));
    }

    @Test
    void insignificantWhitespaceDoesNotChangeTheKey() {
        assertEquals(key(json("{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")),
                key(json(" {\n  \"model\" : \"gpt-4o\",\r\n\t\"messages\": [ { \"role\":\"user\" , \"content\":\"hi\" } ]\n}\n")));
    }

    @Test
    void nestedObjectsAreSortedToo() {
        assertEquals(key(json("{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                        + "\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"x\",\"strict\":true}}}")),
                key(json("{\"response_format\":{\"json_schema\":{\"strict\":true,\"name\":\"x\"},\"type\":\"json_schema\"},"
                        + "\"messages\":[{\"content\":\"hi\",\"role\":\"user\"}],\"model\":\"gpt-4o\"}")));
    }

    @Test
    void arrayOrderChangesTheKey() {
        assertNotEquals(key(json("{\"messages\":[{\"role\":\"user\",\"content\":\"a\"},{\"role\":\"user\",\"content\":\"b\"}]}")),
                key(json("{\"messages\":[{\"role\":\"user\",\"content\":\"b\"},{\"role\":\"user\",\"content\":\"a\"}]}")));
        assertNotEquals(key(json("{\"stop\":[\"x\",\"y\"]}")), key(json("{\"stop\":[\"y\",\"x\"]}")));
    }

    @Test
    void anyValueChangeChangesTheKey() {
        assertNotEquals(key(json("{\"model\":\"gpt-4o\",\"temperature\":0}")), key(json("{\"model\":\"gpt-4o\",\"temperature\":1}")));
        assertNotEquals(key(json("{\"model\":\"gpt-4o\"}")), key(json("{\"model\":\"gpt-4o-mini\"}")));
        assertNotEquals(key(json("{\"n\":1}")), key(json("{\"n\":\"1\"}")));
    }

    @Test
    void declaredAndUndeclaredJsonShareAKey() {
        assertEquals(key(post("{\"a\":1}", "Content-Type", "application/json; charset=utf-8", "Authorization", KEY_A)),
                key(post("{ \"a\": 1 }", "Authorization", KEY_A)));
    }

    @Test
    void invalidJsonDeclaredAsJsonIsA400() {
        ProxyError e = assertThrows(ProxyError.class, () -> key(json("{\"model\":")));
        assertEquals(400, e.status());
        assertEquals("invalid_json", e.code());
    }

    @Test
    void differentCredentialsGiveDifferentKeys() {
        String body = "{\"model\":\"gpt-4o\"}";
        assertNotEquals(key(post(body, "Authorization", KEY_A)), key(post(body, "Authorization", KEY_B)));
    }

    @Test
    void sameCredentialGivesSameKeyWhateverTheHeaderNameCase() {
        String body = "{\"model\":\"gpt-4o\"}";
        assertEquals(key(post(body, "Authorization", KEY_A)), key(post(body, "authorization", KEY_A)));
    }

    @Test
    void unrelatedHeadersDoNotChangeTheKey() {
        String body = "{\"model\":\"gpt-4o\"}";
        assertEquals(key(post(body, "Authorization", KEY_A)),
                key(post(body, "Authorization", KEY_A, "User-Agent", "OpenAI/Python 1.0", "X-Request-Id", "r1")));
    }

    @Test
    void noCredentialIsItsOwnPartition() {
        String body = "{\"model\":\"gpt-4o\"}";
        CacheKey anonymous = key(post(body));
        assertEquals(anonymous, key(post(body)));
        assertNotEquals(anonymous, key(post(body, "Authorization", KEY_A)));
        assertNotEquals(anonymous, key(post(body, "Authorization", "Bearer anonymous")));
        assertEquals("anonymous", factory.credentialHash(""));
    }

    @Test
    void saltChangesTheCredentialHashAndTheKey() {
        CacheKeyFactory other = new CacheKeyFactory("another salt, another installati".getBytes(StandardCharsets.US_ASCII));
        assertNotEquals(factory.credentialHash(KEY_A), other.credentialHash(KEY_A));
        Exchange e = json("{\"model\":\"gpt-4o\"}");
        assertNotEquals(factory.create(OPENAI, e), other.create(OPENAI, e));
        assertEquals(factory.credentialHash(KEY_A), new CacheKeyFactory(SALT.clone()).credentialHash(KEY_A));
    }

    @Test
    void factoryKeepsItsOwnCopyOfTheSalt() {
        byte[] salt = SALT.clone();
        CacheKeyFactory f = new CacheKeyFactory(salt);
        String before = f.credentialHash(KEY_A);
        salt[0] ^= 1;
        assertEquals(before, f.credentialHash(KEY_A));
    }

    @Test
    void keyAndCredentialHashNeverContainTheCredential() {
        String secret = "sk-proj-AAAAAAAAAAAAAAAA";
        CacheKey k = key(json("{\"model\":\"gpt-4o\"}"));
        assertFalse(k.hex().contains(secret));
        assertFalse(k.toString().contains(secret));
        String hash = factory.credentialHash(KEY_A);
        assertFalse(hash.contains(secret));
        assertTrue(hash.matches("[0-9a-f]{64}"), hash);
    }

    @Test
    void providerChangesTheKey() {
        Exchange e = json("{\"model\":\"x\"}");
        assertNotEquals(factory.create(OPENAI, e), factory.create(GROQ, e));
    }

    @Test
    void methodChangesTheKey() {
        Headers h = Headers.of("Authorization", KEY_A);
        assertNotEquals(key(new Exchange("GET", "/v1/models", null, h, new byte[0])),
                key(new Exchange("POST", "/v1/models", null, h, new byte[0])));
    }

    @Test
    void pathChangesTheKey() {
        assertNotEquals(key(json("{}")), key(new Exchange("POST", "/v1/completions", null,
                Headers.of("Content-Type", "application/json", "Authorization", KEY_A), "{}".getBytes(StandardCharsets.UTF_8))));
    }

    private CacheKey get(String path, String query) {
        return key(new Exchange("GET", path, query, Headers.of("Authorization", KEY_A), new byte[0]));
    }

    @Test
    void queryChangesTheKeyButNotItsParameterOrder() {
        assertNotEquals(get("/v1/models", null), get("/v1/models", "limit=10"));
        assertNotEquals(get("/v1/models", "limit=10"), get("/v1/models", "limit=20"));
        assertEquals(get("/v1/models", "limit=10&order=asc&after=x"), get("/v1/models", "after=x&order=asc&limit=10"));
        assertEquals(get("/v1/models", null), get("/v1/models", ""));
    }

    @Test
    void fieldsAreSeparatedSoThatMovingBytesBetweenPathAndQueryChangesTheKey() {
        assertNotEquals(get("/v1/modelsa", "b"), get("/v1/models", "ab"));
    }

    @Test
    void openAiBetaVaryHeaderChangesTheKey() {
        String body = "{\"model\":\"gpt-4o\"}";
        CacheKey none = key(post(body, "Authorization", KEY_A));
        CacheKey v2 = key(post(body, "Authorization", KEY_A, "OpenAI-Beta", "assistants=v2"));
        assertNotEquals(none, v2);
        assertNotEquals(v2, key(post(body, "Authorization", KEY_A, "OpenAI-Beta", "assistants=v1")));
        assertEquals(v2, key(post(body, "authorization", KEY_A, "openai-beta", "assistants=v2")));
    }

    private CacheKey raw(byte[] body, String contentType) {
        return key(new Exchange("POST", "/v1/audio/transcriptions", null,
                Headers.of("Content-Type", contentType, "Authorization", KEY_A), body));
    }

    @Test
    void nonJsonBodyIsKeyedByItsBytesAndMediaType() {
        byte[] a = {1, 2, 3, (byte) 0xff};
        byte[] b = {1, 2, 3, (byte) 0xfe};
        assertEquals(raw(a, "application/octet-stream"), raw(a.clone(), "application/octet-stream"));
        assertNotEquals(raw(a, "application/octet-stream"), raw(b, "application/octet-stream"));
        assertNotEquals(raw(a, "application/octet-stream"), raw(a, "audio/mpeg"));
        // Only the media type counts, not its parameters or case.
        assertEquals(raw(a, "text/plain"), raw(a, "Text/Plain; charset=utf-8"));
    }

    @Test
    void theSameUploadWithAnotherMultipartBoundaryIsTheSameRequest() {
        // SDKs pick a fresh boundary per request: the same audio file must still hit.
        assertEquals(raw(MultipartBodyTest.upload("formdata-1", "ID3 audio"), "multipart/form-data; boundary=formdata-1"),
                raw(MultipartBodyTest.upload("formdata-2", "ID3 audio"), "multipart/form-data; boundary=formdata-2"));
        assertNotEquals(raw(MultipartBodyTest.upload("formdata-1", "ID3 audio"), "multipart/form-data; boundary=formdata-1"),
                raw(MultipartBodyTest.upload("formdata-2", "ID3 other"), "multipart/form-data; boundary=formdata-2"));
    }

    @Test
    void nonJsonBodyThatLooksLikeJsonIsStillKeyedByItsBytes() {
        assertNotEquals(raw("{\"a\":1}".getBytes(StandardCharsets.UTF_8), "text/plain"),
                raw("{ \"a\":1}".getBytes(StandardCharsets.UTF_8), "text/plain"));
    }

    @Test
    void undeclaredNonJsonBodyDoesNotFail() {
        CacheKey k = key(post("hello, not json", "Authorization", KEY_A));
        assertNotEquals(k, key(post("hello, not json!", "Authorization", KEY_A)));
    }

    @Test
    void everyOpenAiBetaFieldCounts() {
        String body = "{\"model\":\"gpt-4o\"}";
        assertNotEquals(key(post(body, "Authorization", KEY_A, "OpenAI-Beta", "assistants=v2")),
                key(post(body, "Authorization", KEY_A, "OpenAI-Beta", "assistants=v2", "OpenAI-Beta", "realtime=v1")));
    }

    @Test
    void aNumberBeyondTheDoubleRangeIsNotTheStringInfinity() {
        CacheKey huge = key(json("{\"model\":\"gpt-4o\",\"temperature\":1e400}"));
        assertNotEquals(huge, key(json("{\"model\":\"gpt-4o\",\"temperature\":\"Infinity\"}")));
        assertNotEquals(huge, key(json("{\"model\":\"gpt-4o\",\"temperature\":1e401}")));
        assertNotEquals(key(json("{\"model\":\"gpt-4o\",\"temperature\":-1e400}")),
                key(json("{\"model\":\"gpt-4o\",\"temperature\":\"-Infinity\"}")));
    }

    @Test
    void numbersAreKeyedByTheirExactValue() {
        assertNotEquals(key(json("{\"temperature\":0.1}")), key(json("{\"temperature\":0.10000000000000000001}")));
        assertNotEquals(key(json("{\"n\":1}")), key(json("{\"n\":1.0}")));
        assertEquals(key(json("{\"temperature\":0.7}")), key(json("{\"temperature\":0.70}")));
        assertEquals(key(json("{\"temperature\":1.5}")), key(json("{\"temperature\":15e-1}")));
    }

    @Test
    void contentAfterTheJsonDocumentIsA400() {
        for (String body : new String[] {"{\"model\":\"gpt-4o\"} {\"model\":\"gpt-4o-mini\"}", "{\"model\":\"gpt-4o\"}x",
                "{\"model\":\"gpt-4o\"}]"}) {
            ProxyError e = assertThrows(ProxyError.class, () -> key(json(body)), body);
            assertEquals("invalid_json", e.code());
        }
        assertEquals(key(json("{\"model\":\"gpt-4o\"}")), key(json("{\"model\":\"gpt-4o\"}\r\n")));
    }

    @Test
    void openAiOrganizationAndProjectVaryTheKey() {
        String body = "{\"model\":\"gpt-4o\"}";
        CacheKey none = key(post(body, "Authorization", KEY_A));
        CacheKey org1 = key(post(body, "Authorization", KEY_A, "OpenAI-Organization", "org-1"));
        assertNotEquals(none, org1);
        assertNotEquals(org1, key(post(body, "Authorization", KEY_A, "OpenAI-Organization", "org-2")));
        assertEquals(org1, key(post(body, "Authorization", KEY_A, "openai-organization", "org-1")));
        CacheKey project1 = key(post(body, "Authorization", KEY_A, "OpenAI-Project", "proj_1"));
        assertNotEquals(none, project1);
        assertNotEquals(project1, key(post(body, "Authorization", KEY_A, "OpenAI-Project", "proj_2")));
        assertNotEquals(org1, project1);
    }

    @Test
    void spellingsOfOnePathShareAKey() {
        Headers h = Headers.of("Content-Type", "application/json", "Authorization", KEY_A);
        byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
        CacheKey plain = key(new Exchange("POST", CHAT, null, h, body));
        for (String path : new String[] {"/v1//chat/completions", "/v1/chat/./completions", "/v1/x/../chat/completions",
                "/v1/%63hat/completions"}) {
            assertEquals(plain, key(new Exchange("POST", path, null, h, body)), path);
        }
    }

    @Test
    void theKeyIsAFunctionOfTheRequestRecordAlone() {
        Exchange exchange = json("{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        RequestRecord record = RequestRecord.of(OPENAI, exchange, factory);
        assertEquals(key(exchange), factory.create(record));
        CacheKeyFactory otherSalt = new CacheKeyFactory("another salt, another installati".getBytes(StandardCharsets.US_ASCII));
        assertEquals(factory.create(record), otherSalt.create(record), "the record's partition already holds the salted hash");
    }

    @Test
    void userAndMetadataAreIgnoredByDefaultButStreamOptionsAndCacheControlCount() {
        CacheKey plain = key(json("{\"model\":\"gpt-4o\",\"messages\":[]}"));
        assertEquals(plain, key(json("{\"model\":\"gpt-4o\",\"user\":\"u1\",\"metadata\":{\"a\":1},\"messages\":[]}")));
        assertNotEquals(plain, key(json("{\"model\":\"gpt-4o\",\"stream_options\":{\"include_usage\":true},\"messages\":[]}")));
        assertNotEquals(plain, key(json("{\"model\":\"gpt-4o\",\"prompt_cache_key\":\"p\",\"messages\":[]}")));
        assertNotEquals(plain, key(json("{\"model\":\"gpt-4o\",\"cache_control\":{\"type\":\"ephemeral\"},\"messages\":[]}")));
    }

    @Test
    void ignoredFieldsAreJsonPointersAndMayReachIntoArrays() {
        CacheKeyFactory nameBlind = new CacheKeyFactory(SALT, java.util.List.of("/messages/0/name"), false);
        Exchange a = json("{\"model\":\"gpt-4o\",\"messages\":[{\"name\":\"a\",\"content\":\"x\"}]}");
        Exchange b = json("{\"model\":\"gpt-4o\",\"messages\":[{\"name\":\"b\",\"content\":\"x\"}]}");
        assertEquals(nameBlind.create(OPENAI, a), nameBlind.create(OPENAI, b));
        assertNotEquals(key(a), key(b));
        assertEquals("a", a.json().path("messages").path(0).path("name").asText(), "the request itself is untouched");
    }

    @Test
    void aSharedCacheGivesEveryCallerThePartitionShared() {
        CacheKeyFactory shared = new CacheKeyFactory(SALT, java.util.List.of(), true);
        Exchange a = post("{\"model\":\"gpt-4o\"}", "Content-Type", "application/json", "Authorization", KEY_A);
        Exchange b = post("{\"model\":\"gpt-4o\"}", "Content-Type", "application/json", "Authorization", KEY_B);
        Exchange none = post("{\"model\":\"gpt-4o\"}", "Content-Type", "application/json");
        assertEquals(shared.create(OPENAI, a), shared.create(OPENAI, b));
        assertEquals(shared.create(OPENAI, a), shared.create(OPENAI, none));
        assertEquals(CacheKeyFactory.SHARED, shared.partition(OPENAI, a));
        assertNotEquals(factory.create(OPENAI, a), factory.create(OPENAI, b));
    }

    @Test
    void theNamespaceAndThePlaceInASequencePartitionTheKey() {
        Exchange exchange = json("{\"model\":\"gpt-4o\"}");
        RequestRecord record = RequestRecord.of(OPENAI, exchange, factory, "suite-a");
        assertNotEquals(key(exchange), factory.create(record));
        assertEquals(factory.create(record), factory.create(record.inSequence(1)), "the first of a sequence is the plain key");
        assertNotEquals(factory.create(record.inSequence(2)), factory.create(record));
        assertNotEquals(factory.create(record.inSequence(2)), factory.create(record.inSequence(3)));
    }

    @Test
    void aRecordWrittenAndReadBackKeysTheSame() throws Exception {
        Exchange exchange = post("{\"model\":\"gpt-4o\",\"temperature\":0.70,\"user\":\"u\"}", "Content-Type",
                "application/json", "Authorization", KEY_A);
        RequestRecord record = RequestRecord.of(OPENAI, exchange, factory, "ns").inSequence(2);
        CachedResponse response = new CachedResponse(200, Headers.of("Content-Type", "application/json"), new byte[] {'{', '}'},
                java.util.List.of(new Chunk(2, 0)), 1L, dev.modelcache.tokens.Usage.NONE, "openai", "gpt-4o");
        byte[] header = RecordFormat.header(factory.create(record), record, response, dev.modelcache.files.Digests.sha256Hex(new byte[] {'{', '}'}));
        RequestRecord read = RecordFormat.request(RecordFormat.readHeader(new java.io.ByteArrayInputStream(header)));
        assertEquals(factory.create(record), factory.create(read));
        assertEquals("ns", read.namespace());
        assertEquals(2, read.sequence());
        assertEquals(RequestRecord.JSON_BODY, read.bodyType());
    }

    @Test
    void aMultipartBodyKeysByItsHashWithoutTheBoundaryAndSoDoesItsRecord() {
        String typeA = "multipart/form-data; boundary=AAA";
        String typeB = "multipart/form-data; boundary=BBB";
        Exchange a = post("--AAA\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\nwhisper-1\r\n--AAA--\r\n", "Content-Type", typeA);
        Exchange b = post("--BBB\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\nwhisper-1\r\n--BBB--\r\n", "Content-Type", typeB);
        assertEquals(key(a), key(b));
        RequestRecord record = RequestRecord.of(OPENAI, a, factory);
        assertEquals(RequestRecord.BYTES_BODY, record.bodyType());
        assertTrue(CacheKeyFactory.canKey(record));
        assertEquals(key(a), factory.create(record));
    }

    @Test
    void aQueryCredentialNeverReachesTheRecord() {
        assertEquals("alt=sse&key=REDACTED", RequestRecord.withoutSecrets("alt=sse&key=AIzaSECRET"));
        assertEquals("api-version=2024-06-01", RequestRecord.withoutSecrets("api-version=2024-06-01"));
        assertEquals("", RequestRecord.withoutSecrets(""));
    }
}
