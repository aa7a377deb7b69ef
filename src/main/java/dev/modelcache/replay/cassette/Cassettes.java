package dev.modelcache.replay.cassette;

import dev.modelcache.cache.CacheKey;
import dev.modelcache.cache.CacheKeyFactory;
import dev.modelcache.cache.CachePolicy;
import dev.modelcache.cache.CachedResponse;
import dev.modelcache.cache.EntryFilter;
import dev.modelcache.cache.EntrySummary;
import dev.modelcache.store.RecordFile;
import dev.modelcache.cache.RequestRecord;
import dev.modelcache.store.ResponseStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Cassettes: cache entries kept as readable record files in a folder (in git, VCR style), laid out by
 * {@link CassetteLayout}. An exported entry is written for partition {@value CacheKeyFactory#SHARED} by the current
 * key recipe, so a cassette names no caller and holds no credential; an import re-keys every entry for partition
 * {@value CacheKeyFactory#SHARED}, its namespace (or the one given) and the importing proxy's ignored fields.
 *
 * <ul>
 *   <li>{@link #export}: the entries a {@link CassetteFilter} takes, one file each. Exporting unchanged entries
 *       again leaves the files byte for byte as they were (the header is written in a fixed order), and so does
 *       exporting a re-recording of the same answers: the header fields that change at every call are left out
 *       ({@link CassetteHeaders}), and a file that holds the same answer but for its {@code storedAt} and the
 *       timing of its chunks is kept as it is ({@link Rerecording}). Files already in the folder are kept unless {@code clean} is set: then the record files in
 *       the exported namespace folders (all of them without a namespace filter) that match the filter, or cannot be
 *       read, and were not written by this export are deleted, and folders left empty with them.</li>
 *   <li>{@link #importFrom}: every {@code .mcr} file below a folder, in name order, read (a body edited by hand
 *       is taken as it is, its length and SHA-256 computed: {@link HandEdits}), re-keyed and stored; a file that is torn or cannot be keyed is refused with the reason, other files are
 *       skipped. Two files of the same request: the later in name order wins.</li>
 *   <li>{@link #exportZip} and {@link #importZip}: the same, with the same layout inside a zip.</li>
 * </ul>
 */
public final class Cassettes {
    /** The rule of {@code X-Cache-Namespace} (CachePolicy): a letter or digit, then up to 127 of those, {@code .}, {@code _}, {@code -}. */

    private Cassettes() {
    }

    /** Where imported entries go: a store's put, or the record files of a cache folder. */
    @FunctionalInterface
    public interface Sink {
        /** Stores the entry; true when it is stored. */
        boolean put(CacheKey key, RequestRecord request, CachedResponse response) throws IOException;
    }

    /** An entry chosen for export: its file, its key in the store, and its request and key as exported. */
    record Pick(String relativePath, CacheKey storedKey, CacheKey key, RequestRecord exported) {
    }

    /** The entries an export takes, in file name order, and those it skips with why. */
    record Selection(List<Pick> picks, List<String> skipped) {
    }

    public static ExportResult export(ResponseStore store, CassetteFilter filter, Path dir, CacheKeyFactory keys,
                                      boolean clean) throws IOException {
        return export(store, filter, dir, keys, clean, CassetteHeaders.DEFAULTS);
    }

    /**
     * Exports the entries {@code filter} takes into {@code dir}, without the header fields {@code headers} drops.
     * A file already there that holds the same answer (see {@link Rerecording}) is left as it is.
     */
    public static ExportResult export(ResponseStore store, CassetteFilter filter, Path dir, CacheKeyFactory keys,
                                      boolean clean, CassetteHeaders headers) throws IOException {
        Selection selection = select(store, filter, keys);
        List<String> skipped = new ArrayList<>(selection.skipped());
        Set<Path> written = new HashSet<>();
        int changed = 0;
        int unchanged = 0;
        for (Pick pick : selection.picks()) {
            Optional<CachedResponse> response = store.get(pick.storedKey());
            if (response.isEmpty()) {
                skipped.add(pick.relativePath() + ": its answer cannot be read now");
                continue;
            }
            Path file = dir.resolve(pick.relativePath());
            CachedResponse kept = headers.applied(response.get());
            written.add(file.toAbsolutePath().normalize());
            if (Rerecording.sameAnswer(file, RecordFile.bytes(pick.key(), pick.exported(), kept))) {
                unchanged++;
            } else {
                RecordFile.write(file, pick.key(), pick.exported(), kept);
                changed++;
            }
        }
        int removed = clean ? StaleFiles.remove(dir, filter, written) : 0;
        return new ExportResult(changed, unchanged, removed, skipped);
    }

    /** Writes the entries {@code filter} takes into a zip, with the folder layout and in file name order. */
    public static ExportResult exportZip(ResponseStore store, CassetteFilter filter, OutputStream out, CacheKeyFactory keys)
            throws IOException {
        return exportZip(store, filter, out, keys, CassetteHeaders.DEFAULTS);
    }

    /** The same, without the header fields {@code headers} drops. */
    public static ExportResult exportZip(ResponseStore store, CassetteFilter filter, OutputStream out, CacheKeyFactory keys,
                                         CassetteHeaders headers) throws IOException {
        return CassetteZip.export(store, select(store, filter, keys), out, headers);
    }

    /** Imports every record file below {@code dir} into {@code store}; see {@link #importFrom(Path, Sink, CacheKeyFactory, String)}. */
    public static ImportResult importFrom(Path dir, ResponseStore store, CacheKeyFactory keys, String namespace) throws IOException {
        return importFrom(dir, store::put, keys, namespace);
    }

    /** Imports every record file below {@code dir}, with the {@link ImportLimits#DEFAULT default limits} of a record. */
    public static ImportResult importFrom(Path dir, Sink sink, CacheKeyFactory keys, String namespace) throws IOException {
        return importFrom(dir, sink, keys, namespace, ImportLimits.DEFAULT);
    }

    /**
     * Imports every record file below {@code dir}: re-keyed by {@code keys} for partition
     * {@value CacheKeyFactory#SHARED} and the file's namespace, or {@code namespace} when it is not null. A file
     * larger than {@link ImportLimits#recordBytes()}, or whose header is longer than
     * {@link ImportLimits#headerBytes()}, is refused: no answer of this proxy makes one.
     *
     * @throws IllegalArgumentException when {@code namespace} is not a valid namespace
     * @throws IOException              when {@code dir} is not a readable folder
     */
    public static ImportResult importFrom(Path dir, Sink sink, CacheKeyFactory keys, String namespace, ImportLimits limits)
            throws IOException {
        checkNamespace(namespace);
        if (!Files.isDirectory(dir)) {
            throw new IOException("no cassette folder at " + dir.toAbsolutePath());
        }
        int imported = 0;
        List<ImportResult.Refusal> refused = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (String name : RecordScan.files(dir)) {
            if (!name.endsWith(RecordFile.SUFFIX)) {
                skipped.add(name);
                continue;
            }
            Optional<String> refusal = importOne(dir.resolve(name), sink, keys, namespace, limits);
            if (refusal.isPresent()) {
                refused.add(new ImportResult.Refusal(name, refusal.get()));
            } else {
                imported++;
            }
        }
        return new ImportResult(imported, refused, skipped);
    }

    /** Imports a zip {@link #exportZip} wrote (or any zip of record files); see {@link CassetteZip} for its checks. */
    public static ImportResult importZip(InputStream zip, ResponseStore store, CacheKeyFactory keys, String namespace)
            throws IOException {
        return importZip(zip, store::put, keys, namespace, ImportLimits.DEFAULT, null);
    }

    /**
     * Imports a zip within {@code limits}, unpacked into a private folder below {@code unpackInto} (the system's
     * temporary folder when null) that is deleted afterwards.
     *
     * @throws ImportLimits.Exceeded when the zip is past a limit: nothing is stored
     * @throws IOException           when it is not a zip, or a name in it could leave its folder or appears twice
     */
    public static ImportResult importZip(InputStream zip, Sink sink, CacheKeyFactory keys, String namespace,
                                         ImportLimits limits, Path unpackInto) throws IOException {
        checkNamespace(namespace);
        return CassetteZip.importZip(zip, sink, keys, namespace, limits, unpackInto);
    }

    /** Deletes the folders that imports interrupted by a crash left unpacked below {@code unpackInto}. */
    public static void removeUnpacked(Path unpackInto) throws IOException {
        CassetteZip.removeUnpacked(unpackInto);
    }

    /**
     * The file, relative to the cassette folder, that an export by {@code keys} gives the entry whose stored request
     * is {@code stored}; null when it cannot be keyed. Its name carries the exported (shared) key, which is the
     * {@code X-Cache-Key} of the recording only when the cache is shared: this is how to find the file otherwise.
     */
    public static String fileOf(RequestRecord stored, CacheKeyFactory keys) {
        if (!CacheKeyFactory.canKey(stored)) {
            return null;
        }
        RequestRecord exported = stored.withPartition(CacheKeyFactory.SHARED, stored.namespace()).withCurrentRecipe();
        return CassetteLayout.relativePath(exported, keys.create(exported));
    }

    /** Fails unless {@code namespace} is null (keep each file's), empty (no namespace) or a valid namespace. */
    public static void checkNamespace(String namespace) {
        if (namespace != null && !namespace.isEmpty() && !CachePolicy.isNamespace(namespace)) {
            throw new IllegalArgumentException("'" + namespace + "' is not a namespace: a letter or digit, then up to 127"
                    + " letters, digits, '.', '_' or '-'");
        }
    }

    /** The reason the file is refused, or empty when it was imported. */
    private static Optional<String> importOne(Path file, Sink sink, CacheKeyFactory keys, String namespace,
                                              ImportLimits limits) {
        RecordFile.Contents contents;
        try {
            if (Files.size(file) > limits.recordBytes()) {
                return Optional.of("it is larger than " + limits.recordBytes() + " bytes, the largest record this proxy"
                        + " can make (an answer of cache/maxEntryMB and its header)");
            }
            contents = HandEdits.read(file, limits.headerBytes(), true);
        } catch (IOException | RuntimeException e) {
            return Optional.of(e.getMessage());
        }
        RequestRecord request = contents.request();
        if (request.provider().isEmpty() || request.method().isEmpty() || request.path().isEmpty()) {
            return Optional.of("the header names no provider, method or path");
        }
        if (!CacheKeyFactory.canKey(request)) {
            return Optional.of("it cannot be keyed: its request body is kept without the hash the key needs (keySha256),"
                    + " as versions before " + CacheKeyFactory.VERSION + " kept it; record it again");
        }
        RequestRecord rekeyed = request.withPartition(CacheKeyFactory.SHARED, namespace != null ? namespace : request.namespace())
                .withCurrentRecipe();
        try {
            return sink.put(keys.create(rekeyed), rekeyed, contents.response()) ? Optional.empty()
                    : Optional.of("the store did not take it (its log says why)");
        } catch (IOException | RuntimeException e) {
            return Optional.of("cannot store it: " + e.getMessage());
        }
    }

    /** The entries {@code filter} takes, newest first per request, named and ordered by {@link CassetteLayout}. */
    static Selection select(ResponseStore store, CassetteFilter filter, CacheKeyFactory keys) {
        List<Pick> picks = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        Set<CacheKey> taken = new HashSet<>();
        for (EntrySummary entry : store.list(new EntryFilter(null, null, null, null, filter.namespace(), null))) {
            if (!filter.matches(entry)) {
                continue;
            }
            CacheKey storedKey = new CacheKey(entry.key());
            Optional<RequestRecord> request = store.request(storedKey);
            String name = "entry " + entry.key().substring(0, 12) + " (" + entry.provider() + " " + entry.path() + ")";
            if (request.isEmpty()) {
                skipped.add(name + ": its request cannot be read");
            } else if (!CacheKeyFactory.canKey(request.get())) {
                skipped.add(name + ": it cannot be keyed (its request body is kept without keySha256)");
            } else if (filter.matches(request.get())) {
                RequestRecord exported = request.get().withPartition(CacheKeyFactory.SHARED, request.get().namespace())
                        .withCurrentRecipe();
                CacheKey key = keys.create(exported);
                if (taken.add(key)) {
                    picks.add(new Pick(CassetteLayout.relativePath(exported, key), storedKey, key, exported));
                } else {
                    skipped.add(name + ": the same request as a newer entry (another caller's), exported once");
                }
            }
        }
        picks.sort((a, b) -> a.relativePath().compareTo(b.relativePath()));
        return new Selection(picks, skipped);
    }
}
