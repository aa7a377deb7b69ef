package dev.modelcache.replay.cassette;

import dev.modelcache.cache.CacheKey;
import dev.modelcache.cache.CacheKeyFactory;
import dev.modelcache.cache.CachedResponse;
import dev.modelcache.cache.EntryFilter;
import dev.modelcache.cache.EntrySummary;
import dev.modelcache.cache.RequestRecord;
import dev.modelcache.config.ConfigException;
import dev.modelcache.config.ConfigKeys;
import dev.modelcache.store.LayeredStore;
import dev.modelcache.store.RecordFile;
import dev.modelcache.store.ResponseStore;
import dev.modelcache.store.StoreStats;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;

/**
 * A read-only store over folders of record files, indexed in memory when it opens; a body is read from its file
 * (and checked) at every hit. {@link #put} and {@link #remove} change nothing.
 * <ul>
 *   <li>{@link #open}: the cassette folders of {@code cache/cassettes}, each entry re-keyed as an import would
 *       (partition {@value CacheKeyFactory#SHARED}, its namespace, the current recipe and ignored fields). A folder
 *       that does not exist, or a record file in it that is torn or cannot be keyed, stops the start with a message
 *       naming {@code cache/cassettes} and the file: a test suite should not quietly run against fewer answers
 *       than were committed. A cassette whose body was edited by hand is served as edited ({@link HandEdits}). Two files of the same request: the first in folder then name order wins.</li>
 *   <li>{@link #ofRecords}: a cache's own record folder as recorded (each entry under the key its header names),
 *       for the export command beside a running proxy; unreadable (strictly checked) and expired records are left out, expired
 *       by the proxy's rule (an entry's own lifetime, else the store's; a pinned entry never).</li>
 * </ul>
 * Ages (a listing's {@code maxAge}, a record's expiry) are counted on the store's {@link Clock}.
 */
public final class CassetteStore implements ResponseStore {
    private static final Logger LOG = System.getLogger(CassetteStore.class.getName());

    /** One indexed file: the request as the file has it, and as this store keys it. */
    private record Entry(Path file, RequestRecord stored, RequestRecord request, EntrySummary summary) {
    }

    private final Map<String, Entry> entries;
    /** Cassettes (a person may edit them: see {@link HandEdits}), or a cache's own records (checked strictly). */
    private final boolean cassettes;
    private final long ignored;
    private final Clock clock;
    private final LongAdder reads = new LongAdder();
    private final LongAdder hits = new LongAdder();
    private final LongAdder readFailures = new LongAdder();

    private CassetteStore(Map<String, Entry> entries, boolean cassettes, long ignored, Clock clock) {
        this.entries = Map.copyOf(entries);
        this.cassettes = cassettes;
        this.ignored = ignored;
        this.clock = clock;
    }

    /**
     * {@code primary} with the cassettes of {@code folders} behind it ({@code cache/cassettes}), or {@code primary}
     * itself when there are none. Fails with a message naming the folder and the file, and the setting
     * {@code cache/cassettes}, when a folder does not exist or a cassette in it cannot be used.
     */
    public static ResponseStore behind(ResponseStore primary, List<Path> folders, CacheKeyFactory keys) {
        return behind(primary, folders, keys, Clock.systemUTC());
    }

    /** The same, the cassettes counting ages on {@code clock} (as the primary should). */
    public static ResponseStore behind(ResponseStore primary, List<Path> folders, CacheKeyFactory keys, Clock clock) {
        return folders.isEmpty() ? primary : new LayeredStore(primary, open(folders, keys, clock));
    }

    /** The cassettes in {@code folders}, re-keyed by {@code keys}; fails with a {@link ConfigException} on {@code cache/cassettes}. */
    public static CassetteStore open(List<Path> folders, CacheKeyFactory keys) {
        return open(folders, keys, Clock.systemUTC());
    }

    /** The same, listing ages on {@code clock}. */
    public static CassetteStore open(List<Path> folders, CacheKeyFactory keys, Clock clock) {
        Map<String, Entry> entries = new LinkedHashMap<>();
        for (Path folder : folders) {
            if (!Files.isDirectory(folder)) {
                throw new ConfigException(ConfigKeys.CACHE_CASSETTES.key(), "the cassette folder " + folder.toAbsolutePath() + " does not exist");
            }
            try {
                for (String name : RecordScan.files(folder)) {
                    if (name.endsWith(RecordFile.SUFFIX)) {
                        addCassette(folder.resolve(name), keys, entries);
                    }
                }
            } catch (IOException e) {
                throw new ConfigException(ConfigKeys.CACHE_CASSETTES.key(), "cannot read the cassette folder " + folder.toAbsolutePath() + ": " + e.getMessage());
            }
        }
        return new CassetteStore(entries, true, 0, clock);
    }

    private static void addCassette(Path file, CacheKeyFactory keys, Map<String, Entry> entries) {
        RecordFile.Contents contents;
        try {
            contents = HandEdits.read(file, Long.MAX_VALUE, true);
        } catch (IOException | RuntimeException e) {
            throw new ConfigException(ConfigKeys.CACHE_CASSETTES.key(), "the cassette " + file.toAbsolutePath() + " cannot be used: " + e.getMessage());
        }
        RequestRecord stored = contents.request();
        if (!CacheKeyFactory.canKey(stored)) {
            throw new ConfigException(ConfigKeys.CACHE_CASSETTES.key(), "the cassette " + file.toAbsolutePath() + " cannot be keyed: its request"
                    + " body is kept without keySha256; record it again");
        }
        List<String> unknown = keys.redaction().unknownPlaceholders(stored.body());
        if (!unknown.isEmpty()) {
            LOG.log(Level.WARNING, "cassette " + file + " was recorded with cache/redact naming " + String.join(",", unknown)
                    + ", which this proxy's cache/redact does not: its request will not match until it does");
        }
        RequestRecord request = stored.withPartition(CacheKeyFactory.SHARED, stored.namespace()).withCurrentRecipe();
        CacheKey key = keys.create(request);
        Entry first = entries.get(key.hex());
        if (first != null) {
            LOG.log(Level.WARNING, "cassette " + file + " answers the same request as " + first.file() + ", which is served");
            return;
        }
        EntrySummary summary = summary(contents, key, request, file);
        entries.put(key.hex(), new Entry(file, stored, request, summary));
    }

    /** The record files in a cache's record folder, under their own keys; the unreadable and expired left out. */
    public static CassetteStore ofRecords(Path recordsFolder, Duration ttl) throws IOException {
        return ofRecords(recordsFolder, ttl, Clock.systemUTC());
    }

    /** The same, expiring on {@code clock}. */
    public static CassetteStore ofRecords(Path recordsFolder, Duration ttl, Clock clock) throws IOException {
        Map<String, Entry> entries = new LinkedHashMap<>();
        long ignored = 0;
        long now = clock.millis();
        Set<String> pinned = RecordFile.pinnedKeys(recordsFolder);
        for (String name : RecordScan.files(recordsFolder)) {
            if (!name.endsWith(RecordFile.SUFFIX)) {
                continue;
            }
            Path file = recordsFolder.resolve(name);
            try {
                RecordFile.Head head = RecordFile.readHead(file);
                if (!RecordFile.expired(head.summary(), pinned, ttl, now)) {
                    entries.put(head.key().hex(), new Entry(file, head.request(), head.request(), head.summary()));
                }
            } catch (IOException | RuntimeException e) {
                ignored++;
                LOG.log(Level.WARNING, "ignoring record " + file + ": " + e.getMessage());
            }
        }
        return new CassetteStore(entries, false, ignored, clock);
    }

    private static EntrySummary summary(RecordFile.Contents contents, CacheKey key, RequestRecord request, Path file) {
        CachedResponse response = contents.response();
        long fileBytes;
        try {
            fileBytes = Files.size(file);
        } catch (IOException e) {
            throw new ConfigException(ConfigKeys.CACHE_CASSETTES.key(), "cannot read " + file.toAbsolutePath() + ": " + e.getMessage());
        }
        return new EntrySummary(key.hex(), request.provider(), request.model(), request.method(), request.path(),
                request.partition(), request.namespace(), response.status(), response.isEventStream(),
                response.storedAtMillis(), response.bodyLength(), fileBytes, response.ttlMillis());
    }

    @Override
    public Optional<CachedResponse> get(CacheKey key) {
        reads.increment();
        Entry entry = entries.get(key.hex());
        if (entry == null) {
            return Optional.empty();
        }
        try {
            RecordFile.Contents contents = cassettes ? HandEdits.read(entry.file(), Long.MAX_VALUE, false)
                    : RecordFile.read(entry.file());
            if (!contents.request().equals(entry.stored())) {
                throw new IOException("it changed since the proxy started (restart to serve the new one)");
            }
            hits.increment();
            return Optional.of(contents.response());
        } catch (IOException | RuntimeException e) {
            readFailures.increment();
            LOG.log(Level.WARNING, "cannot serve " + entry.file() + ", treated as a miss: " + e.getMessage());
            return Optional.empty();
        }
    }

    /** Read-only: nothing is stored. */
    @Override
    public boolean put(CacheKey key, RequestRecord request, CachedResponse response) {
        return false;
    }

    /** Read-only: nothing is removed (delete the file and restart). */
    @Override
    public boolean remove(CacheKey key) {
        return false;
    }

    @Override
    public Optional<RequestRecord> request(CacheKey key) {
        return Optional.ofNullable(entries.get(key.hex())).map(Entry::request);
    }

    @Override
    public List<EntrySummary> list(EntryFilter filter) {
        long now = clock.millis();
        return entries.values().stream().map(Entry::summary).filter(e -> filter.matches(e, now))
                .sorted(Comparator.comparingLong(EntrySummary::storedAtMillis).reversed().thenComparing(EntrySummary::key))
                .toList();
    }

    /** The entries and bytes held; reads, hits (as record hits) and failed reads since start; files left out. */
    @Override
    public StoreStats stats() {
        long bytes = entries.values().stream().mapToLong(e -> e.summary().fileBytes()).sum();
        return new StoreStats(entries.size(), bytes, bytes, reads.sum(), 0, hits.sum(), 0, 0, readFailures.sum(),
                0, 0, 0, 0, ignored);
    }

    @Override
    public void close() {
        // Nothing is held open.
    }
}
