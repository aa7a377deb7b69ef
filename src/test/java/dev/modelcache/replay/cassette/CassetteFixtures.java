package dev.modelcache.replay.cassette;

import dev.modelcache.cache.CacheKey;
import dev.modelcache.cache.CacheKeyFactory;
import dev.modelcache.cache.CachedResponse;
import dev.modelcache.stream.Chunk;
import dev.modelcache.store.DurableResponseStore;
import dev.modelcache.store.ehcache.EhcacheResponseStore;
import dev.modelcache.cache.RequestRecord;
import dev.modelcache.store.ResponseStore;
import dev.modelcache.config.Config;
import dev.modelcache.config.Settings;
import dev.modelcache.http.Exchange;
import dev.modelcache.http.Headers;
import dev.modelcache.provider.ModelProvider;
import dev.modelcache.provider.ProviderTable;
import dev.modelcache.tokens.TokenCounter;
import dev.modelcache.tokens.Usage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Recorded entries as a proxy stores them: requests made with a (fake) API key, answers plain and streamed. */
final class CassetteFixtures {
    static final String API_KEY = "sk-proj-FAKEFAKEFAKEFAKE1234";
    static final byte[] SALT = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    static final CacheKeyFactory KEYS = new CacheKeyFactory(SALT, List.of("/user", "/metadata"), false);
    static final ModelProvider OPENAI = ProviderTable.create(Config.from(Settings.of(Map.of(
            "providers/openai/baseUrl", "https://api.openai.com", "providers/openai/models", "*"))), new TokenCounter())
            .resolve("gpt-4o");

    static final String CHAT = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"user\":\"u-1\"}";
    static final String CHAT_STREAM = "{\"model\":\"gpt-4o-mini\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"count\"}]}";
    static final String RESPONSES_STREAM = "{\"model\":\"gpt-4.1\",\"stream\":true,\"input\":\"say hi\"}";
    static final String EMBEDDINGS = "{\"model\":\"text-embedding-3-small\",\"input\":\"hello\"}";

    /** One recorded entry: where it was asked, what was asked, and the answer. */
    record Recorded(String path, String requestBody, String namespace, CachedResponse response) {
        RequestRecord request() {
            Exchange exchange = new Exchange("POST", path, null, Headers.of("Content-Type", "application/json",
                    "Authorization", "Bearer " + API_KEY), requestBody.getBytes(StandardCharsets.UTF_8));
            return RequestRecord.of(OPENAI, exchange, KEYS, namespace);
        }

        CacheKey key() {
            return KEYS.create(request());
        }

        /** The key the entry has once imported: partition shared, in {@code inNamespace}. */
        CacheKey sharedKey(String inNamespace) {
            return KEYS.create(request().withPartition(CacheKeyFactory.SHARED, inNamespace));
        }

        CacheKey sharedKey() {
            return sharedKey(namespace);
        }
    }

    private CassetteFixtures() {
    }

    static Recorded plainChat(String namespace) {
        return new Recorded("/v1/chat/completions", CHAT, namespace, plain(
                "{\"id\":\"chatcmpl-1\",\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":\"Hello!\"}}]}", "gpt-4o"));
    }

    static Recorded streamedChat(String namespace) {
        return new Recorded("/v1/chat/completions", CHAT_STREAM, namespace, sse("gpt-4o-mini",
                "data: {\"choices\":[{\"delta\":{\"content\":\"1\"}}]}\n\n",
                "data: {\"choices\":[{\"delta\":{\"content\":\" 2\"}}]}\n\n",
                "data: [DONE]\n\n"));
    }

    static Recorded streamedResponses(String namespace) {
        return new Recorded("/v1/responses", RESPONSES_STREAM, namespace, sse("gpt-4.1",
                "event: response.created\ndata: {\"type\":\"response.created\",\"response\":{\"id\":\"resp_1\"}}\n\n",
                "event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\",\"delta\":\"Hi\"}\n\n",
                "event: response.completed\ndata: {\"type\":\"response.completed\",\"response\":{\"id\":\"resp_1\"}}\n\n"));
    }

    static Recorded embeddings(String namespace) {
        return new Recorded("/v1/embeddings", EMBEDDINGS, namespace, plain(
                "{\"object\":\"list\",\"data\":[{\"embedding\":[0.0023064255,-0.009327292,1.5e-7],\"index\":0}]}",
                "text-embedding-3-small"));
    }

    static List<Recorded> all(String namespace) {
        return List.of(plainChat(namespace), streamedChat(namespace), streamedResponses(namespace), embeddings(namespace));
    }

    static CachedResponse plain(String json, String model) {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        return new CachedResponse(200, Headers.of("Content-Type", "application/json", "x-request-id", "req-1"), bytes,
                List.of(new Chunk(bytes.length, 0)), 1_700_000_000_000L, new Usage(8, 3, false), "openai", model);
    }

    static CachedResponse sse(String model, String... events) {
        List<Chunk> chunks = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < events.length; i++) {
            text.append(events[i]);
            chunks.add(new Chunk(text.toString().getBytes(StandardCharsets.UTF_8).length, 40 * i));
        }
        return new CachedResponse(200, Headers.of("Content-Type", "text/event-stream; charset=utf-8"),
                text.toString().getBytes(StandardCharsets.UTF_8), chunks, 1_700_000_100_000L, new Usage(5, 2, true),
                "openai", model);
    }

    static DurableResponseStore openStore(Path cacheDir) {
        return EhcacheResponseStore.durable(cacheDir, 1024, 0, 8, Duration.ZERO, Long.MAX_VALUE);
    }

    static void putAll(ResponseStore store, List<Recorded> entries) {
        for (Recorded entry : entries) {
            store.put(entry.key(), entry.request(), entry.response());
        }
    }

    /** Every file below {@code dir}, by relative path, with its bytes. */
    static Map<String, byte[]> snapshot(Path dir) throws IOException {
        Map<String, byte[]> files = new TreeMap<>();
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path file : all.filter(Files::isRegularFile).toList()) {
                files.put(dir.relativize(file).toString(), Files.readAllBytes(file));
            }
        }
        return files;
    }
}
