package dev.modelcache.replay;

import dev.modelcache.cache.CacheKeyFactory;
import dev.modelcache.cache.CachedResponse;
import dev.modelcache.cache.RecordFile;
import dev.modelcache.cache.ResponseStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * Cassettes in a zip, for the admin endpoints: the folder layout of {@link CassetteLayout} inside it. An export
 * writes the entries in file name order, each dated by its {@code storedAt}, so the same entries give the same
 * zip. An import unpacks into a private temporary folder first, then imports it as a folder; the whole zip is
 * refused, before anything is stored, if an entry's name could leave that folder (absolute, {@code ..},
 * backslashes, a drive letter), appears twice, or the zip is larger than its {@link ZipLimits} (counted as it is
 * unpacked). Entries that are not {@code .mcr} files are skipped and never written.
 */
final class CassetteZip {
    private CassetteZip() {
    }

    static ExportResult export(ResponseStore store, Cassettes.Selection selection, OutputStream out) throws IOException {
        List<String> skipped = new ArrayList<>(selection.skipped());
        int written = 0;
        ZipOutputStream zip = new ZipOutputStream(out);
        for (Cassettes.Pick pick : selection.picks()) {
            Optional<CachedResponse> response = store.get(pick.storedKey());
            if (response.isEmpty()) {
                skipped.add(pick.relativePath() + ": its answer cannot be read now");
                continue;
            }
            ZipEntry entry = new ZipEntry(pick.relativePath());
            entry.setTimeLocal(LocalDateTime.ofEpochSecond(Math.floorDiv(response.get().storedAtMillis(), 1000), 0, ZoneOffset.UTC));
            zip.putNextEntry(entry);
            zip.write(RecordFile.bytes(pick.key(), pick.exported(), response.get()));
            zip.closeEntry();
            written++;
        }
        zip.finish();
        return new ExportResult(written, 0, 0, skipped);
    }

    static ImportResult importZip(InputStream in, Cassettes.Sink sink, CacheKeyFactory keys, String namespace,
                                  ZipLimits limits) throws IOException {
        Path folder = Files.createTempDirectory("modelcache-import-"); // 0700 on POSIX
        try {
            List<String> skipped = unpack(in, folder, limits);
            ImportResult result = Cassettes.importFrom(folder, sink, keys, namespace);
            return new ImportResult(result.imported(), result.refused(), skipped);
        } finally {
            deleteTree(folder);
        }
    }

    /** Unpacks the {@code .mcr} entries into {@code folder}; the names of the others. */
    private static List<String> unpack(InputStream in, Path folder, ZipLimits limits) throws IOException {
        List<String> skipped = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        long total = 0;
        int entries = 0;
        java.io.BufferedInputStream buffered = new java.io.BufferedInputStream(in);
        buffered.mark(4);
        byte[] magic = buffered.readNBytes(4);
        buffered.reset();
        if (magic.length < 4 || magic[0] != 'P' || magic[1] != 'K' || !(magic[2] == 3 && magic[3] == 4 || magic[2] == 5 && magic[3] == 6)) {
            throw new IOException("refusing the body: it is not a zip file");
        }
        try (ZipInputStream zip = new ZipInputStream(buffered)) {
            for (ZipEntry entry = zip.getNextEntry(); entry != null; entry = zip.getNextEntry()) {
                String name = entry.getName();
                Path target = checkedTarget(folder, name);
                if (++entries > limits.entries()) {
                    throw new IOException("refusing the zip: more than " + limits.entries() + " entries");
                }
                if (!seen.add(name)) {
                    throw new IOException("refusing the zip: " + name + " appears twice");
                }
                if (entry.isDirectory()) {
                    continue;
                }
                if (!name.endsWith(RecordFile.SUFFIX)) {
                    skipped.add(name);
                    continue;
                }
                Files.createDirectories(target.getParent());
                total += copy(zip, target, name, limits.entryBytes(), limits.totalBytes() - total);
            }
        }
        return skipped;
    }

    /** Where {@code name} unpacks in {@code folder}; fails for a name that could leave it. */
    static Path checkedTarget(Path folder, String name) throws IOException {
        boolean unsafe = name.isEmpty() || name.startsWith("/") || name.contains("\\") || name.contains(":")
                || name.indexOf('\0') >= 0;
        String[] segments = name.split("/");
        for (String segment : segments) {
            unsafe |= segment.equals("..") || segment.equals(".") || segment.isEmpty();
        }
        Path target = folder.resolve(name).normalize();
        if (unsafe || !target.startsWith(folder) || target.equals(folder)) {
            throw new IOException("refusing the zip: the entry " + name + " would leave the folder it unpacks into");
        }
        return target;
    }

    private static long copy(InputStream zip, Path target, String name, long entryLimit, long totalLeft) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long copied = 0;
        try (OutputStream out = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            int n;
            while ((n = zip.read(buffer)) > 0) {
                copied += n;
                if (copied > entryLimit) {
                    throw new IOException("refusing the zip: " + name + " is larger than " + entryLimit + " bytes");
                }
                if (copied > totalLeft) {
                    throw new IOException("refusing the zip: it unpacks to more than its limit of bytes");
                }
                out.write(buffer, 0, n);
            }
        }
        return copied;
    }

    private static void deleteTree(Path folder) throws IOException {
        try (Stream<Path> all = Files.walk(folder)) {
            for (Path path : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
