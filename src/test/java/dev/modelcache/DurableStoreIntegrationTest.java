package dev.modelcache;

import static dev.modelcache.support.OpenAiFixtures.CHAT_ANSWER;
import static dev.modelcache.support.ProxyExtension.xCache;
import static dev.modelcache.support.TestProxy.CHAT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelcache.cache.Body;
import dev.modelcache.cache.CacheKey;
import dev.modelcache.cache.EntryFilter;
import dev.modelcache.support.FakeUpstream.Reply;
import dev.modelcache.support.ProxyExtension;
import dev.modelcache.support.TestProxy;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The durable store seen over HTTP: failures are misses, records keep requests, salts, large answers. */
class DurableStoreIntegrationTest {
    static final String BODY = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"Say hi\"}]}";
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    @RegisterExtension
    final ProxyExtension fixture = new ProxyExtension().handler(r -> Reply.json(200, CHAT_ANSWER));


    private TestProxy proxy(Path cacheDir, String... settings) throws Exception {
        return fixture.another(cacheDir, settings);
    }

    /** The proxy stores an answer just after the client has it: wait for the stored events, not a while. */
    private static void awaitStored(TestProxy proxy, long writes) throws InterruptedException {
        proxy.events().awaitStored((int) writes);
        assertEquals(writes, proxy.app().store().stats().writes(), "answers stored");
    }

    private static List<Path> records(Path cacheDir) throws Exception {
        try (Stream<Path> files = Files.walk(cacheDir.resolve("records"))) {
            return files.filter(f -> f.toString().endsWith(".mcr")).sorted().toList();
        }
    }

    @Test
    void aStoreWhoseWritesFailStillAnswersTheClientAndCountsTheFailures() throws Exception {
        TestProxy proxy = proxy(dir);
        try (Stream<Path> paths = Files.walk(dir.resolve("records"))) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
        Files.writeString(dir.resolve("records"), "a file where the record folder should be");

        HttpResponse<String> first = proxy.post(CHAT, BODY, "Authorization", "Bearer sk-alice");
        HttpResponse<String> second = proxy.post(CHAT, BODY, "Authorization", "Bearer sk-alice");
        assertEquals(200, first.statusCode());
        assertEquals(CHAT_ANSWER, first.body());
        assertEquals("MISS", xCache(first));
        assertEquals(200, second.statusCode());
        assertEquals("MISS", xCache(second));
        proxy.events().awaitSettled();
        JsonNode store = JSON.readTree(proxy.get("/_cache/stats").body()).get("store");
        assertEquals(2, store.get("writeFailures").asInt());
        assertEquals(0, store.get("entries").asInt());
        assertEquals(0, proxy.settledStats().stored(), "an answer whose write failed is not counted as stored");
    }

    @Test
    void theRecordKeepsTheRequestAndItsPartitionButNeverTheCredential() throws Exception {
        TestProxy proxy = proxy(dir);
        proxy.post(CHAT, BODY, "Authorization", "Bearer sk-alice-very-secret", "OpenAI-Beta", "assistants=v2");
        awaitStored(proxy, 1);
        List<Path> records = records(dir);
        assertEquals(1, records.size());
        String text = Files.readString(records.get(0));
        assertFalse(text.contains("sk-alice-very-secret"), text);
        assertFalse(text.toLowerCase().contains("authorization"), text);
        assertFalse(text.contains("secret-cookie"), text);
        assertTrue(text.contains("\"openai-beta\" : \"assistants=v2\""), text);
        assertTrue(text.endsWith("\n\n" + CHAT_ANSWER), text);

        JsonNode listing = JSON.readTree(proxy.get("/_cache/entries?model=gpt-4o-mini&path=/v1/chat").body());
        assertEquals(1, listing.get("count").asInt());
        JsonNode entry = listing.get("entries").get(0);
        assertEquals("openai", entry.get("provider").asText());
        assertEquals("/v1/chat/completions", entry.get("path").asText());
        assertEquals(16, entry.get("partition").asText().length());
        assertEquals(records.get(0).getFileName().toString(), entry.get("key").asText() + ".mcr");
        assertEquals(0, JSON.readTree(proxy.get("/_cache/entries?model=gpt-4o").body()).get("count").asInt());
        assertEquals(0, JSON.readTree(proxy.get("/_cache/entries?partition=0000000000000000").body()).get("count").asInt());
        assertEquals(400, proxy.get("/_cache/entries?maxAge=soon").statusCode());

        JsonNode stats = JSON.readTree(proxy.get("/_cache/stats").body());
        assertEquals(1, stats.at("/store/entries").asInt());
        assertEquals(1, stats.at("/store/writes").asInt());
        assertEquals(Files.size(records.get(0)), stats.at("/store/bytes").asLong());
    }

    @Test
    void theEntriesListingNeedsTheAdminTokenWhenOneIsSet() throws Exception {
        TestProxy proxy = proxy(dir, "admin/token", "t0ken");
        assertEquals(401, proxy.get("/_cache/entries").statusCode());
        assertEquals(200, proxy.get("/_cache/entries", "Authorization", "Bearer t0ken").statusCode());
    }

    @Test
    void twoProxiesGivenTheSameKeySaltComputeTheSameKeyForTheSameCredential() throws Exception {
        String salt = "a shared salt of enough length";
        TestProxy a = proxy(dir.resolve("a"), "cache/keySalt", salt);
        TestProxy b = proxy(dir.resolve("b"), "cache/keySalt", salt);
        TestProxy c = proxy(dir.resolve("c"), "cache/keySalt", "another salt of enough length");
        TestProxy d = proxy(dir.resolve("d"));
        for (TestProxy proxy : List.of(a, b, c, d)) {
            assertEquals(200, proxy.post(CHAT, BODY, "Authorization", "Bearer sk-alice").statusCode());
            awaitStored(proxy, 1);
        }
        String keyA = records(dir.resolve("a")).get(0).getFileName().toString();
        assertEquals(keyA, records(dir.resolve("b")).get(0).getFileName().toString());
        assertNotEquals(keyA, records(dir.resolve("c")).get(0).getFileName().toString());
        assertNotEquals(keyA, records(dir.resolve("d")).get(0).getFileName().toString());
        assertFalse(Files.exists(dir.resolve("a").resolve("key-salt")), "a configured salt needs no salt file");
        assertTrue(Files.exists(dir.resolve("d").resolve("key-salt")));
    }

    @Test
    void aLargeAnswerIsReplayedToConcurrentSlowReadersFromItsRecordFile() throws Exception {
        byte[] answer = bigAnswer(20 * 1024 * 1024);
        TestProxy proxy = proxy(dir);
        fixture.handler(r -> Reply.json(200, new String(answer, java.nio.charset.StandardCharsets.US_ASCII)));
        assertEquals("MISS", xCache(proxy.post("/v1/embeddings", BODY)));
        awaitStored(proxy, 1);

        CacheKey key = new CacheKey(proxy.app().store().list(EntryFilter.ALL).get(0).key());
        assertInstanceOf(Body.InFile.class, proxy.app().store().get(key).orElseThrow().bodySource(),
                "a hit on a large answer reads its record file, not an array");
        byte[] expected = MessageDigest.getInstance("SHA-256").digest(answer);
        ExecutorService readers = Executors.newFixedThreadPool(6);
        try {
            List<Future<byte[]>> digests = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                digests.add(readers.submit(slowRead(proxy)));
            }
            for (Future<byte[]> digest : digests) {
                assertArrayEquals(expected, digest.get());
            }
        } finally {
            readers.shutdownNow();
        }
        assertEquals(1, fixture.upstream().calls());
    }

    @Test
    void aSixtyMegabyteAnswerIsStoredWhenMaxEntryMBAllowsIt() throws Exception {
        byte[] answer = bigAnswer(60 * 1024 * 1024);
        TestProxy proxy = proxy(dir, "cache/maxEntryMB", "100", "cache/diskMB", "128");
        fixture.handler(r -> Reply.json(200, new String(answer, java.nio.charset.StandardCharsets.US_ASCII)));
        byte[] expected = MessageDigest.getInstance("SHA-256").digest(answer);
        assertArrayEquals(expected, read(proxy, "MISS"));
        awaitStored(proxy, 1);
        assertArrayEquals(expected, read(proxy, "HIT"));
        assertEquals(1, fixture.upstream().calls());
    }

    private static byte[] bigAnswer(int size) {
        String head = "{\"object\":\"list\",\"usage\":{\"prompt_tokens\":1,\"total_tokens\":1},\"data\":\"";
        byte[] bytes = new byte[size];
        byte[] start = head.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        System.arraycopy(start, 0, bytes, 0, start.length);
        for (int i = start.length; i < size - 2; i++) {
            bytes[i] = (byte) ('A' + i % 26);
        }
        bytes[size - 2] = '"';
        bytes[size - 1] = '}';
        return bytes;
    }

    private static byte[] read(TestProxy proxy, String expectedCache) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(proxy.uri("/v1/embeddings")).timeout(Duration.ofSeconds(120))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(BODY)).build();
        HttpResponse<InputStream> response = proxy.client().send(request, HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(expectedCache, xCache(response));
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        try (InputStream in = response.body()) {
            byte[] buffer = new byte[64 * 1024];
            int n;
            while ((n = in.read(buffer)) != -1) {
                sha.update(buffer, 0, n);
            }
        }
        return sha.digest();
    }

    /** Reads a hit in small pieces with pauses, as a slow client on a slow link would. */
    private static Callable<byte[]> slowRead(TestProxy proxy) {
        return () -> {
            HttpRequest request = HttpRequest.newBuilder(proxy.uri("/v1/embeddings")).timeout(Duration.ofSeconds(120))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(BODY)).build();
            HttpResponse<InputStream> response = proxy.client().send(request, HttpResponse.BodyHandlers.ofInputStream());
            assertEquals("HIT", xCache(response));
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            try (InputStream in = response.body()) {
                byte[] buffer = new byte[256 * 1024];
                int n;
                for (int i = 0; (n = in.read(buffer)) != -1; i++) {
                    sha.update(buffer, 0, n);
                    if (i % 16 == 0) {
                        Thread.sleep(5);
                    }
                }
            }
            return sha.digest();
        };
    }
}
