package dev.modelcache.store;

import dev.modelcache.cache.CacheKey;
import dev.modelcache.cache.CachedResponse;
import dev.modelcache.cache.EntryFilter;
import dev.modelcache.cache.EntrySummary;
import dev.modelcache.cache.RequestRecord;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The system of record: one {@link RecordFormat record file} per entry, written durably at every put, indexed in
 * memory at start from the headers alone. It honours the time to live, an entry's own or else the store's (an
 * expired record is a miss, and is deleted) and a size bound (past {@code maxBytes}, the oldest records are deleted first),
 * except for {@linkplain PinSet pinned} entries, which neither expire nor are evicted. Every read checks
 * that the record is the key's and whole ({@link RecordReads}), so a torn or foreign record is never served; one
 * that breaks while it is served leaves the index. Ages are counted on the store's {@link Clock}.
 */
final class RecordStore {
    private static final Logger LOG = System.getLogger(RecordStore.class.getName());

    private final RecordFiles files;
    private final Duration ttl;
    private final long maxBytes;
    private final Clock clock;
    private final RecordIndex index = new RecordIndex();
    private final PinSet pins;
    private final RecordReads reads = new RecordReads();
    private final LongAdder evictions = new LongAdder();
    private final LongAdder expirations = new LongAdder();
    private final LongAdder ignored = new LongAdder();
    /** Record files found invalid (at open, on a miss, or when read), with their modification time then. */
    private final Map<String, FileTime> lookedAt = new ConcurrentHashMap<>();

    RecordStore(Path root, Duration ttl, long maxBytes) {
        this(root, ttl, maxBytes, Clock.systemUTC());
    }

    RecordStore(Path root, Duration ttl, long maxBytes, Clock clock) {
        this.files = new RecordFiles(root);
        this.ttl = ttl;
        this.maxBytes = maxBytes;
        this.clock = clock;
        this.pins = PinSet.besideRecords(root);
    }

    /**
     * Creates the folder, drops temporary leftovers and indexes every readable record; unreadable ones, and whatever
     * is not a regular file (a FIFO, a link, a folder), are logged and skipped.
     */
    void open() throws IOException {
        List<Path> records = files.open();
        pins.load();
        long now = clock.millis();
        for (Path file : records) {
            indexFile(file, now);
        }
        evictPastBound();
    }

    private void indexFile(Path file, long now) {
        String name = file.getFileName().toString();
        String key = name.substring(0, name.length() - RecordFiles.SUFFIX.length());
        try {
            RecordFormat.Header header = RecordFiles.readHeader(file);
            EntrySummary entry = RecordIndex.summary(key, header);
            if (!key.equals(header.json().path("key").asText()) || header.bodyLength() < 0 || header.ttlMillis() < 0) {
                throw new IOException("the header names another key, no body length or an unreadable ttlSeconds");
            }
            if (Files.size(file) != entry.fileBytes()) {
                throw new IOException("torn record: " + Files.size(file) + " bytes, the header promises " + entry.fileBytes());
            }
            if (expired(entry, now)) {
                expirations.increment();
                Files.deleteIfExists(file);
                return;
            }
            index.put(entry);
        } catch (IOException | RuntimeException e) {
            ignored.increment();
            lookedAt.put(key, modifiedTime(file));
            LOG.log(Level.WARNING, "ignoring record " + file + ": " + e.getMessage());
        }
    }

    /** The record for {@code key}: its body in memory up to {@code inMemoryLimit} bytes, else in the file. */
    Optional<CachedResponse> get(CacheKey key, long inMemoryLimit) throws IOException {
        Optional<EntrySummary> entry = indexedOrWrittenSince(key);
        if (entry.isEmpty()) {
            return Optional.empty();
        }
        if (expired(entry.get(), clock.millis())) {
            expirations.increment();
            remove(key);
            return Optional.empty();
        }
        Path file = files.pathOf(key);
        try {
            return Optional.of(reads.read(key, file, entry.get().bodyBytes() <= inMemoryLimit,
                    identity -> dropUnreadable(key, file, identity)));
        } catch (IOException e) {
            // A torn, vanished or foreign record is never served again; a later put writes a good one.
            if (index.remove(key.hex())) {
                ignored.increment();
            }
            reads.forget(key.hex());
            lookedAt.put(key.hex(), modifiedTime(file));
            throw e;
        }
    }

    /**
     * A streamed body could not be read (its file was cut or went away while it was served, after the answer's head
     * went out): the entry leaves the index, so the next request is a miss rather than the same broken hit, unless
     * the file is by now another one (a put since wrote a new record). The file is left as it is: the next put
     * replaces it, and until it changes it is not read again.
     */
    private void dropUnreadable(CacheKey key, Path file, Object identity) {
        Object now = RecordReads.identity(file);
        if (identity != null && now != null && !identity.equals(now)) {
            return;
        }
        reads.forget(key.hex());
        lookedAt.put(key.hex(), modifiedTime(file));
        if (index.remove(key.hex())) {
            ignored.increment();
            LOG.log(Level.WARNING, "the record " + file + " could not be read while it was served; it leaves the index"
                    + " and the next request for it is a miss");
        }
    }

    /**
     * The index's entry for {@code key}, or, when it has none, the record file another process wrote since this
     * store was made ({@code java -jar modelcache.war import} beside a running proxy), indexed now if it is valid.
     * The miss path pays one {@code Files.exists}; a file found invalid (at open, here, or torn when read) is not
     * read again until it changes.
     */
    private Optional<EntrySummary> indexedOrWrittenSince(CacheKey key) {
        Optional<EntrySummary> entry = index.get(key.hex());
        if (entry.isPresent()) {
            return entry;
        }
        Path file = files.pathOf(key);
        try {
            if (!Files.exists(file) || Files.getLastModifiedTime(file).equals(lookedAt.get(key.hex()))) {
                return Optional.empty(); // none, or already found invalid as it is
            }
            indexFile(file, clock.millis());
            return index.get(key.hex());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static FileTime modifiedTime(Path file) {
        try {
            return Files.getLastModifiedTime(file);
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }

    /** Writes the record durably, then evicts the oldest records past the size bound. */
    void put(CacheKey key, RequestRecord request, CachedResponse response) throws IOException {
        String sha = RecordFiles.bodySha256(response.bodySource());
        byte[] header = RecordFormat.header(key, request, response, sha);
        long size = files.write(key, header, response.bodySource());
        reads.written(key, files.pathOf(key));
        index.put(new EntrySummary(key.hex(), request.provider(), request.model(), request.method(), request.path(),
                request.partition(), request.namespace(), response.status(), response.isEventStream(), response.storedAtMillis(),
                response.bodyLength(), size, response.ttlMillis()));
        evictPastBound();
    }

    /**
     * The request the record of {@code key} answers, read from its header; empty when there is none, it is unreadable,
     * or the file there names another key.
     */
    Optional<RequestRecord> request(CacheKey key) {
        if (!index.contains(key.hex())) {
            return Optional.empty();
        }
        try {
            RecordFormat.Header header = RecordFiles.readHeader(files.pathOf(key));
            return key.hex().equals(header.json().path("key").asText())
                    ? Optional.of(RecordFormat.request(header)) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    boolean remove(CacheKey key) {
        boolean removed = index.remove(key.hex());
        if (pins.contains(key.hex())) {
            setPinned(key, false);
        }
        reads.forget(key.hex());
        try {
            return Files.deleteIfExists(files.pathOf(key)) || removed;
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot delete record " + files.pathOf(key) + ": " + e.getMessage());
            return removed;
        }
    }

    /** Pins or unpins the entry of {@code key}; false when there is no such entry to pin, or the pins cannot be saved. */
    boolean setPinned(CacheKey key, boolean pinned) {
        try {
            if (pinned && !index.contains(key.hex())) {
                return false;
            }
            pins.set(key.hex(), pinned);
            return true;
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot save the pinned entries beside " + files.root() + ": " + e.getMessage());
            return false;
        }
    }

    boolean pinned(String key) {
        return pins.contains(key);
    }

    boolean contains(CacheKey key) {
        return index.contains(key.hex());
    }

    List<EntrySummary> list(EntryFilter filter) {
        return index.list(filter, clock.millis());
    }

    List<EntrySummary> newest(PathGroup group, int limit) {
        return index.newest(group, limit);
    }

    /** Entries looked at by listings since start (tests count a miss's work with it). */
    long examined() {
        return index.examined();
    }

    long count() {
        return index.count();
    }

    long bytes() {
        return index.bytes();
    }

    long maxBytes() {
        return maxBytes;
    }

    long evictions() {
        return evictions.sum();
    }

    long expirations() {
        return expirations.sum();
    }

    /** Records found unreadable or torn since start (at open or when read). */
    long ignored() {
        return ignored.sum();
    }

    private boolean expired(EntrySummary entry, long now) {
        return !pins.contains(entry.key()) && entry.expired(ttl, now);
    }

    private synchronized void evictPastBound() {
        if (index.bytes() <= maxBytes) {
            return;
        }
        for (EntrySummary oldest : index.oldestFirst()) {
            if (index.bytes() <= maxBytes) {
                return;
            }
            if (pins.contains(oldest.key())) {
                continue;
            }
            remove(new CacheKey(oldest.key()));
            evictions.increment();
        }
    }
}
