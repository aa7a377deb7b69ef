package dev.modelcache.cache;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelcache.http.Headers;
import dev.modelcache.tokens.Usage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A complete upstream answer as the cache keeps it: status, the header fields a client needs, the body, and the
 * body's chunks (one per SSE event, with the milliseconds after the response headers at which it arrived; a
 * plain body is one chunk), plus when it was stored and the tokens it cost. It is kept as bytes in a small format
 * of its own ({@link #toBytes()}), never with Java serialization, so that the disk tier does not depend on our
 * classes.
 */
public record CachedResponse(int status, Headers headers, byte[] body, List<Chunk> chunks, long storedAtMillis,
                             Usage usage, String provider, String model) {
    private static final int MAGIC = 0x4D435231; // "MCR1"
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Header fields never kept: credentials, cookies, framing the replay recomputes, and values that would be
     * stale or wrong when replayed (dates, rate-limit counters, the proxy's own fields).
     */
    private static final Pattern UNSTORED = Pattern.compile(
            "(?i)set-cookie2?|cookie|authorization|proxy-authorization|www-authenticate|proxy-authenticate"
                    + "|.*api-key.*|.*secret.*|.*token.*|.*password.*"
                    + "|connection|keep-alive|proxy-connection|te|trailers?|transfer-encoding|upgrade|host"
                    + "|content-length|content-encoding|date|age|expires|x-cache.*|via|alt-svc|strict-transport-security"
                    + "|x-ratelimit-.*|retry-after|anthropic-ratelimit-.*");

    /** One piece of the body: it ends at {@code end} (exclusive) and arrived {@code atMillis} after the headers. */
    public record Chunk(int end, int atMillis) {
    }

    public CachedResponse {
        chunks = List.copyOf(chunks);
    }

    /** The header fields of an upstream answer that may be stored and replayed. */
    public static Headers storableHeaders(Headers upstream) {
        return upstream.filter(name -> !UNSTORED.matcher(name).matches());
    }

    public boolean isEventStream() {
        return headers.first("Content-Type").orElse("").toLowerCase(Locale.ROOT).startsWith("text/event-stream");
    }

    public byte[] toBytes() {
        ObjectNode meta = JSON.createObjectNode();
        meta.put("status", status);
        ArrayNode fields = meta.putArray("headers");
        for (Map.Entry<String, String> field : headers.fields()) {
            fields.addArray().add(field.getKey()).add(field.getValue());
        }
        meta.put("storedAt", storedAtMillis);
        meta.put("provider", provider);
        meta.put("model", model);
        ObjectNode tokens = meta.putObject("usage");
        tokens.put("promptTokens", usage.promptTokens());
        tokens.put("completionTokens", usage.completionTokens());
        tokens.put("estimated", usage.estimated());
        byte[] metaBytes = meta.toString().getBytes(StandardCharsets.UTF_8);

        ByteArrayOutputStream bytes = new ByteArrayOutputStream(body.length + metaBytes.length + 16 + chunks.size() * 8);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(MAGIC);
            out.writeInt(metaBytes.length);
            out.write(metaBytes);
            out.writeInt(chunks.size());
            for (Chunk chunk : chunks) {
                out.writeInt(chunk.end());
                out.writeInt(chunk.atMillis());
            }
            out.writeInt(body.length);
            out.write(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Reads {@link #toBytes()}; anything else fails with an IOException, which the store treats as a miss. */
    public static CachedResponse fromBytes(byte[] bytes) throws IOException {
        try {
            return decode(bytes);
        } catch (RuntimeException e) {
            throw new IOException("corrupt entry: " + e, e);
        }
    }

    private static CachedResponse decode(byte[] bytes) throws IOException {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            if (in.readInt() != MAGIC) {
                throw new IOException("not a ModelCache entry (bad magic)");
            }
            byte[] metaBytes = new byte[checkedLength(in.readInt(), bytes.length)];
            in.readFully(metaBytes);
            JsonNode meta = JSON.readTree(metaBytes);
            int chunkCount = checkedLength(in.readInt(), bytes.length / 8);
            List<Chunk> chunks = new ArrayList<>(chunkCount);
            for (int i = 0; i < chunkCount; i++) {
                chunks.add(new Chunk(in.readInt(), in.readInt()));
            }
            byte[] body = new byte[checkedLength(in.readInt(), bytes.length)];
            in.readFully(body);
            List<Map.Entry<String, String>> fields = new ArrayList<>();
            for (JsonNode field : meta.path("headers")) {
                fields.add(Map.entry(field.get(0).asText(), field.get(1).asText()));
            }
            JsonNode tokens = meta.path("usage");
            Usage usage = new Usage(tokens.path("promptTokens").asLong(), tokens.path("completionTokens").asLong(),
                    tokens.path("estimated").asBoolean());
            int previous = 0;
            for (Chunk chunk : chunks) {
                if (chunk.end() < previous || chunk.end() > body.length) {
                    throw new IOException("corrupt entry: chunk ends at " + chunk.end() + " in a body of " + body.length);
                }
                previous = chunk.end();
            }
            return new CachedResponse(meta.path("status").asInt(), Headers.of(fields), body, chunks,
                    meta.path("storedAt").asLong(), usage, meta.path("provider").asText(null), meta.path("model").asText(null));
        }
    }

    private static int checkedLength(int length, int limit) throws IOException {
        if (length < 0 || length > limit) {
            throw new IOException("corrupt entry: length " + length);
        }
        return length;
    }
}
