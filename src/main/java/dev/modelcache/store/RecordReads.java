package dev.modelcache.store;

import dev.modelcache.cache.Body;
import dev.modelcache.cache.CacheKey;
import dev.modelcache.cache.CachedResponse;
import dev.modelcache.files.RegularFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Reads the record of a key for a hit, and decides whether it may be served: at every read, not only when the
 * record was indexed, since files can be moved, copied or cut under a running proxy. What is cheap is checked every
 * time: a regular file (never a FIFO or a link), the key its header names (a record moved over another's name is
 * not the other request's answer), its length against the header's promise. The body's SHA-256 means reading the
 * whole body: a small record is read whole anyway and checked every time; a large one, streamed from its file, is
 * checked once per version of the file (its length, modification time and identity), so its hits stay cheap.
 */
final class RecordReads {
    /** Large records whose body was checked, with the version of the file that was checked. */
    private final Map<String, String> verified = new ConcurrentHashMap<>();

    /**
     * The record of {@code key} in {@code file}, read whole or with its body left in the file; fails with the reason
     * when it may not be served. A streamed body that later fails to read calls {@code onUnreadable} with the
     * identity of the file it was read from (see {@link Body.InFile}).
     */
    CachedResponse read(CacheKey key, Path file, boolean whole, Consumer<Object> onUnreadable) throws IOException {
        BasicFileAttributes attributes = RegularFiles.attributes(file);
        if (whole) {
            RecordFile.Contents contents = RecordFile.parse(Files.readAllBytes(file));
            requireKey(key, contents.key().hex(), file);
            return contents.response();
        }
        RecordFormat.Header header = RecordFiles.readHeader(file);
        requireKey(key, header.json().path("key").asText(), file);
        long promised = header.bodyOffset() + header.bodyLength();
        if (header.bodyLength() < 0 || attributes.size() != promised) {
            throw new IOException("torn record " + file + ": " + attributes.size() + " bytes, the header promises " + promised);
        }
        if (!version(attributes).equals(verified.get(key.hex()))) {
            RecordFiles.verify(file, header);
            verified.put(key.hex(), version(attributes));
        }
        Object identity = attributes.fileKey();
        return RecordFormat.response(header, new Body.InFile(file, header.bodyOffset(), header.bodyLength(),
                () -> onUnreadable.accept(identity)));
    }

    /** The record of {@code key} was just written to {@code file} by this process: its body needs no check. */
    void written(CacheKey key, Path file) {
        try {
            verified.put(key.hex(), version(Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)));
        } catch (IOException e) {
            verified.remove(key.hex());
        }
    }

    void forget(String key) {
        verified.remove(key);
    }

    /** The identity of {@code file} now ({@link BasicFileAttributes#fileKey()}), or null when it is gone or has none. */
    static Object identity(Path file) {
        try {
            return Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
        } catch (IOException e) {
            return null;
        }
    }

    private static String version(BasicFileAttributes attributes) {
        return attributes.size() + "/" + attributes.lastModifiedTime().toMillis() + "/" + attributes.fileKey();
    }

    private static void requireKey(CacheKey key, String named, Path file) throws IOException {
        if (!key.hex().equals(named)) {
            throw new IOException("the record " + file + " names another key (" + named + "): it is not this request's answer");
        }
    }
}
