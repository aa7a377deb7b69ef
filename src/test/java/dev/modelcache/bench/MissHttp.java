package dev.modelcache.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;

/**
 * The load side's HTTP for the parts {@code miss-overhead} and {@code tiers}: the JDK's HTTP/1.1 client (keep-alive
 * connections reused), the same for the proxy and for the fake provider, so that what differs between two
 * measurements is the server side. Reads {@link MissTierServer}'s port file.
 */
final class MissHttp {
    static final String CHAT = "/v1/chat/completions";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A response: its status, its X-Cache field (null without) and when it ended, in nanoseconds. */
    record Answer(int status, String xCache, int bytes) {
    }

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).executor(Executors.newFixedThreadPool(8, MissHttp::daemon)).build();

    /** The client's threads end with the process: a part's main returns when it is done. */
    private static Thread daemon(Runnable task) {
        Thread thread = new Thread(task, "bench-client");
        thread.setDaemon(true);
        return thread;
    }

    /** {@code proxy}, {@code fast} and {@code slow} ports from the server's port file, waiting up to a minute for it. */
    static Map<String, Integer> ports(Path portFile) throws IOException, InterruptedException {
        for (int i = 0; i < 600 && !Files.exists(portFile); i++) {
            Thread.sleep(100);
        }
        Map<String, Integer> ports = new HashMap<>();
        for (String pair : Files.readString(portFile).trim().split(" ")) {
            String[] nameAndPort = pair.split("=");
            ports.put(nameAndPort[0], Integer.parseInt(nameAndPort[1]));
        }
        return ports;
    }

    static URI uri(int port, String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private static HttpRequest request(URI uri, byte[] body, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").header("Authorization", "Bearer sk-proj-benchmarkbenchmark")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        for (int i = 0; i + 1 < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return request.build();
    }

    Answer post(URI uri, byte[] body, String... headers) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = client.send(request(uri, body, headers), HttpResponse.BodyHandlers.ofByteArray());
        return new Answer(response.statusCode(), response.headers().firstValue("X-Cache").orElse(null), response.body().length);
    }

    CompletableFuture<Answer> postAsync(URI uri, byte[] body, String... headers) {
        return client.sendAsync(request(uri, body, headers), HttpResponse.BodyHandlers.ofByteArray())
                .thenApply(r -> new Answer(r.statusCode(), r.headers().firstValue("X-Cache").orElse(null), r.body().length));
    }

    /** GET {@code /_cache/stats}'s {@code store} object (tierHits, recordHits, ...). */
    JsonNode storeStats(int proxyPort) throws IOException, InterruptedException {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(uri(proxyPort, "/_cache/stats")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("/_cache/stats answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body()).path("store");
    }
}
