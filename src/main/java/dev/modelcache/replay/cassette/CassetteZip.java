package dev.modelcache.replay.cassette;

import dev.modelcache.cache.CacheKeyFactory;
import dev.modelcache.cache.CachedResponse;
import dev.modelcache.store.RecordFile;
import dev.modelcache.store.RecordFormat;
import dev.modelcache.store.ResponseStore;
import dev.modelcache.files.FileTrees;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * Cassettes in a zip, for the admin endpoints: the folder layout of {@link CassetteLayout} inside it. An export
 * writes the entries in file name order, each dated by its {@code storedAt}, so the same entries give the same
 * zip. An import unpacks into a private temporary folder first, then imports it as a folder; the whole zip is
 * refused, before anything is stored, if an entry's name could leave that folder (absolute, {@code ..},
 * backslashes, a drive letter), appears twice, or the zip is larger than its {@link ImportLimits} (counted as it
 * is inflated, never by the sizes it declares; {@link ImportLimits.Exceeded}). Entries that are not {@code .mcr}
 * files are skipped and never written; {@code .mcr} entries that do not start as a record are refused by name.
 */
final class CassetteZip {
    private static final String UNPACK_PREFIX = "import-";
    private static final byte[] FIRST_LINE = (RecordFormat.MAGIC + " " + RecordFormat.VERSION + "\n")
            .getBytes(StandardCharsets.US_ASCII);

    private CassetteZip() {
    }

    static ExportResult export(ResponseStore store, Cassettes.Selection selection, OutputStream out,
                               CassetteHeaders headers) throws IOException {
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
            zip.write(RecordFile.bytes(pick.key(), pick.exported(), headers.applied(response.get())));
            zip.closeEntry();
            written++;
        }
        zip.finish();
        return new ExportResult(written, 0, 0, skipped);
    }

    /**
     * Unpacks {@code in} into a new folder below {@code unpackInto} (the system's temporary folder when null), imports
     * that folder, and deletes it, whatever happened.
     */
    static ImportResult importZip(InputStream in, Cassettes.Sink sink, CacheKeyFactory keys, String namespace,
                                  ImportLimits limits, Path unpackInto) throws IOException {
        Path folder = unpackInto == null ? Files.createTempDirectory(UNPACK_PREFIX)
                : Files.createTempDirectory(unpackInto, UNPACK_PREFIX); // 0700 on POSIX
        try {
            Unpacked unpacked = unpack(in, folder, limits);
            ImportResult result = Cassettes.importFrom(folder, sink, keys, namespace, limits);
            List<ImportResult.Refusal> refused = new ArrayList<>(unpacked.refused());
            refused.addAll(result.refused());
            return new ImportResult(result.imported(), refused, unpacked.skipped());
        } finally {
            FileTrees.delete(folder);
        }
    }

    /** What unpacking found besides the record files it wrote: other files, and entries that are not records. */
    private record Unpacked(List<String> skipped, List<ImportResult.Refusal> refused) {
    }

    /**
     * Unpacks the {@code .mcr} entries that start as a record does into {@code folder}. Every entry is inflated to
     * its end (that is how a zip is read) and counted against the limits, those skipped too; an entry that is not a
     * record is refused by name without being written.
     */
    private static Unpacked unpack(InputStream in, Path folder, ImportLimits limits) throws IOException {
        List<String> skipped = new ArrayList<>();
        List<ImportResult.Refusal> refused = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        int entries = 0;
        BufferedInputStream buffered = new BufferedInputStream(in);
        buffered.mark(4);
        byte[] magic = buffered.readNBytes(4);
        buffered.reset();
        if (magic.length < 4 || magic[0] != 'P' || magic[1] != 'K' || !(magic[2] == 3 && magic[3] == 4 || magic[2] == 5 && magic[3] == 6)) {
            throw new IOException("refusing the body: it is not a zip file (send the zip itself as the body, not a form)");
        }
        Meter meter = new Meter(limits, folder);
        try (ZipInputStream zip = new ZipInputStream(buffered)) {
            for (ZipEntry entry = zip.getNextEntry(); entry != null; entry = zip.getNextEntry()) {
                String name = entry.getName();
                if (name.length() > ImportLimits.NAME_CHARS) {
                    throw new IOException("refusing the zip: an entry's name is longer than " + ImportLimits.NAME_CHARS + " characters");
                }
                Path target = checkedTarget(folder, name);
                if (++entries > limits.entries()) {
                    throw new ImportLimits.Exceeded("refusing the zip: it has more than " + limits.entries() + " entries, the most"
                            + " an import takes; import several zips, or an unpacked folder with the import command");
                }
                if (!seen.add(name)) {
                    throw new IOException("refusing the zip: " + name + " appears twice");
                }
                if (entry.getSize() > limits.recordBytes()) {
                    throw meter.tooLarge(name);
                }
                if (!entry.isDirectory() && !name.endsWith(RecordFile.SUFFIX)) {
                    skipped.add(name);
                }
                byte[] first = zip.readNBytes(FIRST_LINE.length);
                meter.count(name, first.length, first.length);
                if (entry.isDirectory() || !name.endsWith(RecordFile.SUFFIX) || !Arrays.equals(first, FIRST_LINE)) {
                    if (!entry.isDirectory() && name.endsWith(RecordFile.SUFFIX)) {
                        refused.add(new ImportResult.Refusal(name, "not a " + RecordFormat.MAGIC + " " + RecordFormat.VERSION + " file"));
                    }
                    copy(zip, OutputStream.nullOutputStream(), name, first.length, meter);
                    continue;
                }
                Files.createDirectories(target.getParent());
                try (OutputStream out = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                    out.write(first);
                    copy(zip, out, name, first.length, meter);
                }
            }
        }
        return new Unpacked(skipped, refused);
    }

    /** Where {@code name} unpacks in {@code folder}; fails for a name that could leave it. */
    static Path checkedTarget(Path folder, String name) throws IOException {
        boolean unsafe = name.isEmpty() || name.startsWith("/") || name.contains("\\") || name.contains(":")
                || name.indexOf('\0') >= 0;
        String[] segments = name.split("/");
        for (String segment : segments) {
            unsafe |= segment.equals("..") || segment.equals(".") || segment.isEmpty();
        }
        // Resolved only once the name is known to be plain: a NUL would make the JDK refuse it in its own words.
        Path target = unsafe ? null : folder.resolve(name).normalize();
        if (target == null || !target.startsWith(folder) || target.equals(folder)) {
            throw new IOException("refusing the zip: the entry " + name.replace('\0', '?')
                    + " would leave the folder it unpacks into");
        }
        return target;
    }

    /** Copies the rest of the current entry to {@code out}, counting every byte inflated. */
    private static void copy(InputStream zip, OutputStream out, String name, long copied, Meter meter) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long inEntry = copied;
        int n;
        while ((n = zip.read(buffer)) > 0) {
            inEntry += n;
            meter.count(name, inEntry, n);
            out.write(buffer, 0, n);
        }
    }

    /**
     * Counts the bytes a zip inflates to, against the largest record for each entry and, for the whole zip, against
     * its total or half the free space of the folder it unpacks into, whichever is less.
     */
    private static final class Meter {
        private final long recordBytes;
        private final long totalBytes;
        private final String totalBound;
        private long total;

        Meter(ImportLimits limits, Path folder) throws IOException {
            this.recordBytes = limits.recordBytes();
            long room = Files.getFileStore(folder).getUsableSpace() / 2;
            this.totalBytes = Math.min(limits.totalBytes(), room);
            this.totalBound = room < limits.totalBytes() ? "half the free space where it unpacks" : "the most an import unpacks";
        }

        /** Counts {@code n} more bytes, the entry {@code name} now at {@code inEntry}; fails past a bound. */
        void count(String name, long inEntry, int n) throws ImportLimits.Exceeded {
            total += n;
            if (inEntry > recordBytes) {
                throw tooLarge(name);
            }
            if (total > totalBytes) {
                throw new ImportLimits.Exceeded("refusing the zip: it unpacks to more than " + totalBytes + " bytes, "
                        + totalBound + "; import several zips, or an unpacked folder with the import command");
            }
        }

        ImportLimits.Exceeded tooLarge(String name) {
            return new ImportLimits.Exceeded("refusing the zip: " + name + " is larger than " + recordBytes + " bytes, the"
                    + " largest record this proxy can make (an answer of cache/maxEntryMB and its header)");
        }
    }

    /** Deletes the folders {@link #importZip} unpacks into below {@code unpackInto}. */
    static void removeUnpacked(Path unpackInto) throws IOException {
        try (java.nio.file.DirectoryStream<Path> folders = Files.newDirectoryStream(unpackInto, UNPACK_PREFIX + "*")) {
            for (Path folder : folders) {
                if (Files.isDirectory(folder, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    FileTrees.delete(folder);
                }
            }
        }
    }

}
