package dev.modelcache.store.ehcache;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelcache.cache.Body;
import dev.modelcache.cache.CachedResponse;
import dev.modelcache.http.HeaderPolicy;
import dev.modelcache.http.JsonParsers;
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
 * The bytes Ehcache keeps for a {@link CachedResponse}, read at every hit from the heap or disk tier, so read without
 * a JSON parser: the magic {@code "MCR2"}, then in {@link DataOutputStream}'s big-endian encoding the status (int),
 * storedAt and ttlMillis (longs; ttlMillis 0 when the entry has no lifetime of its own), the provider and the model
 * (each an int length, -1 for none, and that many bytes of UTF-8), the usage (promptTokens, completionTokens as longs,
 * estimated as a byte, cacheReadTokens, cacheWriteTokens as longs), the header fields as {@link HeaderPolicy#stored}
 * lets them be kept (a count, then each name and value as a length and UTF-8), the chunk count and each chunk's end
 * and arrival (ints), then the body's length and the body. The body is viewed in place, never copied.
 *
 * <p>Values written before (magic {@code "MCR1"}: the length and text of a JSON header with status, headers, storedAt,
 * provider, model, usage and an optional ttlMillis, then the chunks and the body as above) still read, so a disk tier
 * kept across an upgrade is not lost; their header fields are filtered by {@link HeaderPolicy#stored} as they are read.
 * No Java serialization, so the disk tier does not depend on our classes.</p>
 */
public final class CachedResponseBytes {
    private static final int MAGIC = 0x4D435232; // "MCR2"
    private static final int MAGIC_JSON = 0x4D435231; // "MCR1"
    private static final ObjectMapper JSON = JsonParsers.RESPONSE;

    private CachedResponseBytes() {
    }

    public static byte[] encode(CachedResponse response) {
        byte[] content = response.body();
        List<Chunk> chunks = response.chunks();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(content.length + 256 + chunks.size() * 8);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(MAGIC);
            out.writeInt(response.status());
            out.writeLong(response.storedAtMillis());
            out.writeLong(response.ttlMillis());
            writeText(out, response.provider());
            writeText(out, response.model());
            Usage usage = response.usage();
            out.writeLong(usage.promptTokens());
            out.writeLong(usage.completionTokens());
            out.writeBoolean(usage.estimated());
            out.writeLong(usage.cacheReadTokens());
            out.writeLong(usage.cacheWriteTokens());
            List<Map.Entry<String, String>> fields = HeaderPolicy.stored(response.headers()).fields();
            out.writeInt(fields.size());
            for (Map.Entry<String, String> field : fields) {
                writeText(out, field.getKey());
                writeText(out, field.getValue());
            }
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

    private static void writeText(DataOutputStream out, String text) throws IOException {
        if (text == null) {
            out.writeInt(-1);
            return;
        }
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        out.writeInt(utf8.length);
        out.write(utf8);
    }

    /** Reads {@link #encode} (or an older value), viewing the body in {@code bytes}; anything else fails with an IOException. */
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
        int magic = in.getInt();
        if (magic == MAGIC_JSON) {
            return readJson(bytes, in);
        }
        if (magic != MAGIC) {
            throw new IOException("not a ModelCache entry (bad magic)");
        }
        int status = checkedStatus(in.getInt());
        long storedAt = in.getLong();
        long ttlMillis = in.getLong();
        if (ttlMillis < 0) {
            throw new IOException("corrupt entry: time to live " + ttlMillis);
        }
        String provider = readText(bytes, in);
        String model = readText(bytes, in);
        Usage usage = new Usage(in.getLong(), in.getLong(), in.get() != 0, in.getLong(), in.getLong());
        int fieldCount = checkedLength(in.getInt(), in.remaining() / 8);
        List<Map.Entry<String, String>> fields = new ArrayList<>(fieldCount);
        for (int i = 0; i < fieldCount; i++) {
            String name = readText(bytes, in);
            String value = readText(bytes, in);
            if (name == null || value == null) {
                throw new IOException("corrupt entry: a header field without a name or value");
            }
            fields.add(Map.entry(name, value));
        }
        List<Chunk> chunks = readChunks(in);
        Body body = readBody(bytes, in, chunks);
        return new CachedResponse(status, Headers.of(fields), body, chunks, storedAt, usage, provider, model, ttlMillis);
    }

    private static String readText(byte[] bytes, ByteBuffer in) throws IOException {
        int length = in.getInt();
        if (length == -1) {
            return null;
        }
        checkedLength(length, in.remaining());
        String text = new String(bytes, in.position(), length, StandardCharsets.UTF_8);
        in.position(in.position() + length);
        return text;
    }

    private static List<Chunk> readChunks(ByteBuffer in) throws IOException {
        int chunkCount = checkedLength(in.getInt(), in.remaining() / 8);
        List<Chunk> chunks = new ArrayList<>(chunkCount);
        for (int i = 0; i < chunkCount; i++) {
            chunks.add(new Chunk(in.getInt(), in.getInt()));
        }
        return chunks;
    }

    private static Body readBody(byte[] bytes, ByteBuffer in, List<Chunk> chunks) throws IOException {
        int bodyLength = checkedLength(in.getInt(), in.remaining());
        CachedResponse.checkChunks(chunks, bodyLength);
        return new Body.InMemory(bytes, in.position(), bodyLength);
    }

    private static int checkedStatus(int status) throws IOException {
        if (status < 100 || status > 599) {
            throw new IOException("unreadable status: not a whole number from 100 to 599");
        }
        return status;
    }

    /** An {@code "MCR1"} value: its JSON header, parsed (values of older versions only). */
    private static CachedResponse readJson(byte[] bytes, ByteBuffer in) throws IOException {
        int metaLength = checkedLength(in.getInt(), in.remaining());
        JsonNode meta = JSON.readTree(bytes, in.position(), metaLength);
        in.position(in.position() + metaLength);
        List<Chunk> chunks = readChunks(in);
        Body body = readBody(bytes, in, chunks);
        List<Map.Entry<String, String>> fields = new ArrayList<>();
        for (JsonNode field : meta.path("headers")) {
            fields.add(Map.entry(field.get(0).asText(), field.get(1).asText()));
        }
        JsonNode tokens = meta.path("usage");
        Usage usage = new Usage(tokens.path("promptTokens").asLong(), tokens.path("completionTokens").asLong(),
                tokens.path("estimated").asBoolean(), tokens.path("cacheReadTokens").asLong(0),
                tokens.path("cacheWriteTokens").asLong(0));
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
