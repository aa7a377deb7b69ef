package dev.modelcache.store.ehcache;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelcache.cache.Body;
import dev.modelcache.cache.CachedResponse;
import dev.modelcache.http.HeaderPolicy;
import dev.modelcache.http.Headers;
import dev.modelcache.stream.Chunk;
import dev.modelcache.tokens.Usage;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The bytes Ehcache keeps for a {@link CachedResponse}: the magic {@code "MCR1"}, the length and text of a JSON
 * header (status, headers, storedAt, provider, model, usage, and ttlMillis when the entry has a lifetime of its
 * own: a value written without it reads as 0, none; usage's cacheReadTokens and cacheWriteTokens likewise appear only
 * when not 0), the chunk count and each chunk's end and arrival,
 * then the body's length and the body. No Java serialization, so the disk tier does not depend on our classes.
 */
public final class CachedResponseBytes {
    private static final int MAGIC = 0x4D435231; // "MCR1"
    private static final ObjectMapper JSON = new ObjectMapper();

    private CachedResponseBytes() {
    }

    public static byte[] encode(CachedResponse response) {
        ObjectNode meta = JSON.createObjectNode();
        meta.put("status", response.status());
        ArrayNode fields = meta.putArray("headers");
        for (Map.Entry<String, String> field : response.headers().fields()) {
            fields.addArray().add(field.getKey()).add(field.getValue());
        }
        meta.put("storedAt", response.storedAtMillis());
        meta.put("provider", response.provider());
        meta.put("model", response.model());
        if (response.ttlMillis() > 0) {
            meta.put("ttlMillis", response.ttlMillis());
        }
        ObjectNode tokens = meta.putObject("usage");
        tokens.put("promptTokens", response.usage().promptTokens());
        tokens.put("completionTokens", response.usage().completionTokens());
        tokens.put("estimated", response.usage().estimated());
        if (response.usage().cacheReadTokens() > 0) {
            tokens.put("cacheReadTokens", response.usage().cacheReadTokens());
        }
        if (response.usage().cacheWriteTokens() > 0) {
            tokens.put("cacheWriteTokens", response.usage().cacheWriteTokens());
        }
        byte[] metaBytes = meta.toString().getBytes(StandardCharsets.UTF_8);

        byte[] content = response.body();
        List<Chunk> chunks = response.chunks();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(content.length + metaBytes.length + 16 + chunks.size() * 8);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(MAGIC);
            out.writeInt(metaBytes.length);
            out.write(metaBytes);
            out.writeInt(chunks.size());
            for (Chunk chunk : chunks) {
                out.writeInt(chunk.end());
                out.writeInt(chunk.atMillis());
            }
            out.writeInt(content.length);
            out.write(content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Reads {@link #encode}, viewing the body in {@code bytes}; anything else fails with an IOException. */
    public static CachedResponse decode(byte[] bytes) throws IOException {
        try {
            return read(bytes);
        } catch (BufferUnderflowException e) {
            throw new IOException("corrupt entry: truncated", e);
        } catch (RuntimeException e) {
            throw new IOException("corrupt entry: " + e, e);
        }
    }

    private static CachedResponse read(byte[] bytes) throws IOException {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        if (in.getInt() != MAGIC) {
            throw new IOException("not a ModelCache entry (bad magic)");
        }
        int metaLength = checkedLength(in.getInt(), in.remaining());
        JsonNode meta = JSON.readTree(bytes, in.position(), metaLength);
        in.position(in.position() + metaLength);
        int chunkCount = checkedLength(in.getInt(), in.remaining() / 8);
        List<Chunk> chunks = new ArrayList<>(chunkCount);
        for (int i = 0; i < chunkCount; i++) {
            chunks.add(new Chunk(in.getInt(), in.getInt()));
        }
        int bodyLength = checkedLength(in.getInt(), in.remaining());
        Body body = new Body.InMemory(bytes, in.position(), bodyLength);
        List<Map.Entry<String, String>> fields = new ArrayList<>();
        for (JsonNode field : meta.path("headers")) {
            fields.add(Map.entry(field.get(0).asText(), field.get(1).asText()));
        }
        JsonNode tokens = meta.path("usage");
        Usage usage = new Usage(tokens.path("promptTokens").asLong(), tokens.path("completionTokens").asLong(),
                tokens.path("estimated").asBoolean(), tokens.path("cacheReadTokens").asLong(0),
                tokens.path("cacheWriteTokens").asLong(0));
        CachedResponse.checkChunks(chunks, bodyLength);
        return new CachedResponse(CachedResponse.checkedStatus(meta.path("status")), HeaderPolicy.stored(Headers.of(fields)), body, chunks,
                meta.path("storedAt").asLong(), usage, meta.path("provider").asText(null), meta.path("model").asText(null),
                ttlMillis(meta.path("ttlMillis")));
    }

    /** The entry's own lifetime: absent (0, none) or a whole number of milliseconds from 0. */
    private static long ttlMillis(JsonNode ttl) throws IOException {
        if (ttl.isMissingNode()) {
            return 0;
        }
        if (!ttl.isIntegralNumber() || !ttl.canConvertToLong() || ttl.asLong() < 0) {
            throw new IOException("corrupt entry: time to live " + ttl);
        }
        return ttl.asLong();
    }

    private static int checkedLength(int length, int limit) throws IOException {
        if (length < 0 || length > limit) {
            throw new IOException("corrupt entry: length " + length);
        }
        return length;
    }
}
