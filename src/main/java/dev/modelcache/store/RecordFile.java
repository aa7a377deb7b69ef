package dev.modelcache.store;

import dev.modelcache.cache.Body;
import dev.modelcache.cache.CacheKey;
import dev.modelcache.cache.CachedResponse;
import dev.modelcache.cache.EntrySummary;
import dev.modelcache.cache.RequestRecord;
import dev.modelcache.files.Digests;
import dev.modelcache.files.RegularFiles;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Set;

/**
 * One {@link RecordFormat record file} as a whole, wherever it lies: in the cache's record folder, in a cassette
 * folder kept in git, or in a zip. {@link #read} checks it fully (format, length, blank line, body SHA-256) before
 * anything is believed, without ever holding a large file whole; {@link #write} replaces a file atomically,
 * owner-only. This is what tools working beside a running proxy use: they never open Ehcache, and the proxy never
 * sees half a file.
 */
public final class RecordFile {
    /** The file name suffix of record files. */
    public static final String SUFFIX = RecordFiles.SUFFIX;
    /** The largest record read into memory whole; a larger one is read through a small buffer. */
    public static final int IN_MEMORY_BYTES = 1024 * 1024;

    private RecordFile() {
    }

    /**
     * A record file's content: the key its header names, the request, and the answer, its body in memory or, for a
     * large one, in the file.
     */
    public record Contents(CacheKey key, RequestRecord request, CachedResponse response) {
    }

    /** A record file's header alone: the key it names, the request, and the entry as listings show it. */
    public record Head(CacheKey key, RequestRecord request, EntrySummary summary) {
    }

    /**
     * Reads a record file's header and checks the file's length against it; the body is not read (so a body
     * changed in place is found only by {@link #read}). Like {@link #read}, it opens regular files only.
     */
    public static Head readHead(Path file) throws IOException {
        RecordFormat.Header header = RecordFiles.readHeader(file);
        if (header.bodyLength() < 0) {
            throw new IOException("the header names no body length");
        }
        long size = Files.size(file);
        if (size != header.bodyOffset() + header.bodyLength()) {
            throw new IOException("torn record: " + size + " bytes, the header promises " + (header.bodyOffset() + header.bodyLength()));
        }
        CacheKey key = key(header);
        return new Head(key, RecordFormat.request(header), RecordIndex.summary(key.hex(), header));
    }

    /** Where the cache keeps the record of {@code key} below its record folder ({@code <cache dir>/records}). */
    public static Path pathIn(Path recordsFolder, CacheKey key) {
        return new RecordFiles(recordsFolder).pathOf(key);
    }

    /**
     * Whether the record of {@code entry} has expired at {@code nowMillis} by the rule the
     * proxy applies: its own lifetime, else {@code storeTtl}, and never while it is pinned ({@code pinned}: the keys
     * of {@link #pinnedKeys}).
     */
    public static boolean expired(EntrySummary entry, Set<String> pinned, Duration storeTtl, long nowMillis) {
        return !pinned.contains(entry.key()) && entry.expired(storeTtl, nowMillis);
    }

    /** The keys pinned in the cache whose record folder is {@code recordsFolder} (none when it has no pins file). */
    public static Set<String> pinnedKeys(Path recordsFolder) throws IOException {
        PinSet pins = PinSet.besideRecords(recordsFolder);
        pins.load();
        return pins.keys();
    }

    /**
     * Reads and checks a record file. Fails with an IOException that says why (a foreign format, a header that does
     * not parse or names no key, a length or SHA-256 that disagrees with the header: a torn file).
     */
    public static Contents read(Path file) throws IOException {
        return read(file, Long.MAX_VALUE);
    }

    /**
     * The same, for a file that may come from anywhere (an import): a header longer than {@code maxHeaderBytes}
     * fails before it is held in memory. A file of up to {@value #IN_MEMORY_BYTES} bytes is read into memory and
     * checked there; a larger one is never read whole: its body is checked through a small buffer and stays in the
     * file (the answer reads it from there, as the record store serves its large records).
     */
    public static Contents read(Path file, long maxHeaderBytes) throws IOException {
        RegularFiles.attributes(file); // never open a FIFO (it would block) or follow a link
        byte[] start;
        try (InputStream in = Files.newInputStream(file)) {
            start = in.readNBytes(IN_MEMORY_BYTES + 1);
        }
        if (start.length <= IN_MEMORY_BYTES) {
            return parse(start, maxHeaderBytes);
        }
        RecordFormat.Header header;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 16 * 1024)) {
            header = RecordFormat.readHeader(in, maxHeaderBytes);
        }
        if (header.bodyLength() < 0) {
            throw new IOException("torn record: the header names no body length");
        }
        RecordFiles.verify(file, header);
        CacheKey key = key(header);
        Body body = new Body.InFile(file, header.bodyOffset(), header.bodyLength());
        return new Contents(key, RecordFormat.request(header), RecordFormat.response(header, body));
    }

    /** The same as {@link #read}, for a record's bytes held in memory. */
    public static Contents parse(byte[] bytes) throws IOException {
        return parse(bytes, Long.MAX_VALUE);
    }

    private static Contents parse(byte[] bytes, long maxHeaderBytes) throws IOException {
        RecordFormat.Header header = RecordFormat.readHeader(new ByteArrayInputStream(bytes), maxHeaderBytes);
        long length = header.bodyLength();
        if (length < 0 || bytes.length != header.bodyOffset() + length || !RecordFormat.separatorBefore(bytes, header.bodyOffset())) {
            throw new IOException("torn record: " + bytes.length + " bytes, the header promises "
                    + (length < 0 ? "no body length" : header.bodyOffset() + length));
        }
        MessageDigest sha = Digests.sha256();
        sha.update(bytes, (int) header.bodyOffset(), (int) length);
        if (!HexFormat.of().formatHex(sha.digest()).equals(header.bodySha256())) {
            throw new IOException("torn record: the body's SHA-256 differs from its header's");
        }
        CacheKey key = key(header);
        Body body = new Body.InMemory(bytes, (int) header.bodyOffset(), (int) length);
        return new Contents(key, RecordFormat.request(header), RecordFormat.response(header, body));
    }

    private static CacheKey key(RecordFormat.Header header) throws IOException {
        try {
            return new CacheKey(header.json().path("key").asText(""));
        } catch (RuntimeException e) {
            throw new IOException("the header names no valid key", e);
        }
    }

    /** The whole file {@link #write} would write: the header, then the body. */
    public static byte[] bytes(CacheKey key, RequestRecord request, CachedResponse response) {
        byte[] body = response.body();
        byte[] header = RecordFormat.header(key, request, response, Digests.sha256Hex(body));
        byte[] all = new byte[header.length + body.length];
        System.arraycopy(header, 0, all, 0, header.length);
        System.arraycopy(body, 0, all, header.length, body.length);
        return all;
    }

    /**
     * Writes the record to {@code file} durably and atomically: readers (a running proxy) see the old file or the
     * new one, never a part. Missing folders are created 0700, the file is 0600.
     */
    public static void write(Path file, CacheKey key, RequestRecord request, CachedResponse response) throws IOException {
        byte[] body = response.body();
        byte[] header = RecordFormat.header(key, request, response, Digests.sha256Hex(body));
        RecordFiles.writeAtomically(file, header, Body.of(body));
    }
}
