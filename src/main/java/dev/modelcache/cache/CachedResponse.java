package dev.modelcache.cache;

import dev.modelcache.http.HeaderPolicy;
import dev.modelcache.http.Headers;
import dev.modelcache.store.RecordFormat;
import dev.modelcache.store.ehcache.CachedResponseBytes;
import dev.modelcache.stream.Chunk;
import dev.modelcache.stream.StreamMediaType;
import dev.modelcache.tokens.Usage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * A complete upstream answer as the cache keeps it: status, the header fields a client needs, the body, and the
 * body's chunks (one per SSE event, with the milliseconds after the response headers at which it arrived; a
 * plain body is one chunk), plus when it was stored and the tokens it cost. Ehcache keeps it as bytes in a small
 * format of its own (the Ehcache tier's {@code CachedResponseBytes}), never with Java serialization, so that the
 * disk tier does not depend on our classes; the record files behind Ehcache use {@link RecordFormat}.
 *
 * <p>The body is a {@link Body}: a region of an array (decoding an Ehcache value views its body in place) or of a
 * record file. The hit path writes it through {@link #bodySource()}; {@link #body()} gathers it in one array.
 *
 * <p>An entry may carry a lifetime of its own ({@link #ttlMillis()}, set with {@link #withTtl(Duration)}): it then
 * expires that long after it was stored, sooner or later than the store's lifetime. Without one the store's applies.
 */
public final class CachedResponse {
    /** The longest lifetime of an entry's own, in seconds: as long as milliseconds can count. */
    public static final long MAX_TTL_SECONDS = Long.MAX_VALUE / 1000;

    private final int status;
    private final Headers headers;
    private final Body body;
    private final List<Chunk> chunks;
    private final long storedAtMillis;
    private final Usage usage;
    private final String provider;
    private final String model;
    private final long ttlMillis;

    public CachedResponse(int status, Headers headers, byte[] body, List<Chunk> chunks, long storedAtMillis,
                          Usage usage, String provider, String model) {
        this(status, headers, Body.of(body), chunks, storedAtMillis, usage, provider, model);
    }

    public CachedResponse(int status, Headers headers, Body body, List<Chunk> chunks, long storedAtMillis,
                          Usage usage, String provider, String model) {
        this(status, headers, body, chunks, storedAtMillis, usage, provider, model, 0);
    }

    /** With the entry's own lifetime, {@code ttlMillis} (0: none, the store's applies), as the decoders read it. */
    public CachedResponse(int status, Headers headers, Body body, List<Chunk> chunks, long storedAtMillis,
                   Usage usage, String provider, String model, long ttlMillis) {
        this.status = status;
        this.headers = headers;
        this.body = body;
        this.chunks = List.copyOf(chunks);
        this.storedAtMillis = storedAtMillis;
        this.usage = usage;
        this.provider = provider;
        this.model = model;
        this.ttlMillis = ttlMillis;
    }

    public int status() {
        return status;
    }

    public Headers headers() {
        return headers;
    }

    /** Where the body lies; replay writes from here without copying it. */
    public Body bodySource() {
        return body;
    }

    public long bodyLength() {
        return body.length();
    }

    /**
     * The whole body in one array: the stored array itself when the body is all of it, else a copy (read from the
     * file for a record-backed body). For token counting and tests; replay uses {@link #bodySource()}.
     */
    public byte[] body() {
        if (body instanceof Body.InMemory m) {
            if (m.offset() == 0 && m.size() == m.array().length) {
                return m.array();
            }
            return Arrays.copyOfRange(m.array(), m.offset(), m.offset() + m.size());
        }
        Body.InFile f = (Body.InFile) body;
        try (InputStream in = Files.newInputStream(f.file())) {
            in.skipNBytes(f.offset());
            return in.readNBytes((int) f.size());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public List<Chunk> chunks() {
        return chunks;
    }

    public long storedAtMillis() {
        return storedAtMillis;
    }

    public Usage usage() {
        return usage;
    }

    public String provider() {
        return provider;
    }

    public String model() {
        return model;
    }

    /** The entry's own lifetime in milliseconds (a whole number of seconds); 0 when the store's lifetime applies. */
    public long ttlMillis() {
        return ttlMillis;
    }

    /**
     * A copy of this answer with a lifetime of its own: it expires {@code ttl} after it was stored, whether that is
     * sooner or later than the store's lifetime. Zero takes its own lifetime away, so the store's applies again.
     * The record file keeps whole seconds, so a fraction of a second is rounded up; a lifetime too long to count
     * in milliseconds is cut to the longest that can be (some 292 million years).
     *
     * @throws IllegalArgumentException when {@code ttl} is negative
     */
    public CachedResponse withTtl(Duration ttl) {
        if (ttl.isNegative()) {
            throw new IllegalArgumentException("a negative time to live: " + ttl);
        }
        long seconds = Math.min(ttl.getSeconds() + (ttl.getNano() > 0 ? 1 : 0), MAX_TTL_SECONDS);
        return new CachedResponse(status, headers, body, chunks, storedAtMillis, usage, provider, model, seconds * 1000);
    }

    /** The lifetime that applies: the entry's own, else the store's {@code storeTtl} (zero: it never expires). */
    public Duration ttl(Duration storeTtl) {
        return ttlMillis > 0 ? Duration.ofMillis(ttlMillis) : storeTtl;
    }

    /**
     * True when an entry stored at {@code storedAtMillis} with its own lifetime {@code ttlMillis} (0: none), in a
     * store whose lifetime is {@code storeTtl} (zero: none), has expired at {@code nowMillis}. Its own lifetime wins.
     */
    public static boolean expired(long storedAtMillis, long ttlMillis, Duration storeTtl, long nowMillis) {
        long lifetime = ttlMillis > 0 ? ttlMillis : storeTtl.toMillis();
        return lifetime > 0 && nowMillis - storedAtMillis >= lifetime;
    }

    /** The header fields of an upstream answer that may be stored and replayed: those of {@link HeaderPolicy#stored}. */
    public static Headers storableHeaders(Headers upstream) {
        return HeaderPolicy.stored(upstream);
    }

    /**
     * True for a streamed answer, replayed chunk by chunk with no length: server-sent events or newline-delimited
     * JSON (Ollama's {@code application/x-ndjson}), by the rule of {@link StreamMediaType}.
     */
    public boolean isEventStream() {
        return StreamMediaType.isStream(headers.first("Content-Type").orElse(null));
    }

    /**
     * The status a stored header names: a whole number from 100 to 599, or the file is unreadable. A header is read
     * as JSON, so {@code 2e9} or {@code 1.5} would otherwise be cut to some int and served as a status line.
     */
    public static int checkedStatus(com.fasterxml.jackson.databind.JsonNode status) throws IOException {
        if (!status.isInt() || status.intValue() < 100 || status.intValue() > 599) {
            throw new IOException("unreadable status: not a whole number from 100 to 599");
        }
        return status.asInt();
    }

    /** Chunk ends must rise and stay inside the body. */
    public static void checkChunks(List<Chunk> chunks, long bodyLength) throws IOException {
        int previous = 0;
        for (Chunk chunk : chunks) {
            if (chunk.end() < previous || chunk.end() > bodyLength) {
                throw new IOException("corrupt entry: chunk ends at " + chunk.end() + " in a body of " + bodyLength);
            }
            previous = chunk.end();
        }
    }
}
