package dev.modelcache.store;

import dev.modelcache.cache.Body;
import dev.modelcache.cache.CacheKey;
import dev.modelcache.files.AtomicFile;
import dev.modelcache.files.Digests;
import dev.modelcache.files.OwnerOnly;
import dev.modelcache.files.RegularFiles;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The record folder on disk: {@code <cache dir>/records/<first two hex digits>/<key>.mcr}, folders 0700 and files
 * 0600. A record is written as OkHttp's {@code DiskLruCache} writes: a temporary file in the same folder, written,
 * forced to the device, then atomically moved over the final name, and the folder forced too. A crash leaves
 * either the old file, the new one, or a temporary file that the next {@link #open} deletes; never half a record
 * under a record's name.
 */
final class RecordFiles {
    private static final Logger LOG = System.getLogger(RecordFiles.class.getName());
    static final String SUFFIX = ".mcr";
    static final String TEMP_SUFFIX = ".tmp";
    /** The folders records are kept in: the first two hex digits of their keys. */
    private static final Pattern FOLDER_NAME = Pattern.compile("[0-9a-f]{2}");

    private final Path root;

    RecordFiles(Path root) {
        this.root = root;
    }

    Path root() {
        return root;
    }

    Path pathOf(CacheKey key) {
        return root.resolve(key.hex().substring(0, 2)).resolve(key.hex() + SUFFIX);
    }

    /**
     * Creates the folder, deletes the temporary files an interrupted write left behind, and lists the record files.
     * Only regular files are deleted or listed, checked without following links: a FIFO would block its reader
     * forever, and a link, a device or a folder named like a record is not one this proxy wrote. Each is skipped with
     * a log line; a subfolder that cannot be read costs its own records only.
     */
    List<Path> open() throws IOException {
        createFolder(root);
        List<Path> records = new ArrayList<>();
        try (DirectoryStream<Path> folders = Files.newDirectoryStream(root)) {
            for (Path folder : folders) {
                if (RegularFiles.isFolder(folder) && FOLDER_NAME.matcher(folder.getFileName().toString()).matches()) {
                    openFolder(folder, records);
                } else if (RegularFiles.isFolder(folder)) {
                    RegularFiles.skipped(folder, "not a folder of records, which are named by two hex digits");
                } else if (Files.isDirectory(folder)) {
                    RegularFiles.skipped(folder, "a link to a folder is not a folder of records");
                }
            }
        }
        return records;
    }

    private static void openFolder(Path folder, List<Path> records) {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                boolean record = name.endsWith(SUFFIX);
                if (!record && !name.endsWith(TEMP_SUFFIX)) {
                    continue;
                }
                BasicFileAttributes attributes = Files.readAttributes(entry, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                if (!attributes.isRegularFile()) {
                    RegularFiles.skipped(entry, RegularFiles.kind(attributes));
                } else if (record && !name.startsWith(folder.getFileName().toString())) {
                    RegularFiles.skipped(entry, "a record in another key's folder is never read there");
                } else if (record) {
                    records.add(entry);
                } else {
                    Files.deleteIfExists(entry);
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "cannot read all of the record folder " + folder + "; its records are skipped: " + e);
        }
    }

    /** Writes a record durably: when this returns, the record survives a crash of the process or the machine. */
    long write(CacheKey key, byte[] header, Body body) throws IOException {
        return writeAtomically(pathOf(key), header, body);
    }

    /**
     * Writes {@code header} then {@code body} to {@code file} durably and atomically (a temporary file in the same
     * folder, forced, then moved over the name): readers see the old file or the new one, never a part. Missing
     * folders are created 0700, the file is 0600.
     */
    static long writeAtomically(Path file, byte[] header, Body body) throws IOException {
        createFolder(file.toAbsolutePath().getParent());
        AtomicFile.write(file, TEMP_SUFFIX, out -> {
            AtomicFile.writeFully(out, ByteBuffer.wrap(header));
            if (body instanceof Body.InMemory m) {
                AtomicFile.writeFully(out, ByteBuffer.wrap(m.array(), m.offset(), m.size()));
            } else {
                Body.InFile f = (Body.InFile) body;
                try (FileChannel in = FileChannel.open(f.file(), StandardOpenOption.READ)) {
                    long done = 0;
                    while (done < f.size()) {
                        done += in.transferTo(f.offset() + done, f.size() - done, out);
                    }
                }
            }
        });
        return header.length + body.length();
    }

    /** Reads a record's header only (its body is not read); fails on anything but a regular file, unopened. */
    static RecordFormat.Header readHeader(Path file) throws IOException {
        RegularFiles.attributes(file);
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 16 * 1024)) {
            return RecordFormat.readHeader(in);
        }
    }

    /** Checks that the body at {@code offset} in {@code file} has the length and SHA-256 its header names. */
    static void verify(Path file, RecordFormat.Header header) throws IOException {
        long size = Files.size(file);
        if (size != header.bodyOffset() + header.bodyLength()) {
            throw new IOException("torn record: " + size + " bytes on disk, the header promises "
                    + (header.bodyOffset() + header.bodyLength()));
        }
        MessageDigest sha = Digests.sha256();
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer buffer = ByteBuffer.allocate(Body.FILE_BUFFER_BYTES);
            long position = header.bodyOffset() - 2;
            byte[] separator = new byte[2];
            in.read(ByteBuffer.wrap(separator), position);
            if (separator[0] != '\n' || separator[1] != '\n') {
                throw new IOException("torn record: no blank line after the header");
            }
            position += 2;
            int n;
            while ((n = in.read(buffer.clear(), position)) > 0) {
                sha.update(buffer.array(), 0, n);
                position += n;
            }
        }
        if (!Digests.hex(sha.digest()).equals(header.bodySha256())) {
            throw new IOException("torn record: the body's SHA-256 differs from its header's");
        }
    }

    /** Creates {@code folder} and its missing parents owner-only (0700) unless it is there. */
    static void createFolder(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            OwnerOnly.createDirectories(folder);
        }
    }

    /** The SHA-256 of {@code body}, in hex, read through a small buffer when it is in a file. */
    static String bodySha256(Body body) throws IOException {
        MessageDigest sha = Digests.sha256();
        if (body instanceof Body.InMemory m) {
            sha.update(m.array(), m.offset(), m.size());
        } else {
            try (Body.Reader reader = body.open()) {
                reader.copy(new java.io.OutputStream() {
                    @Override
                    public void write(int b) {
                        sha.update((byte) b);
                    }

                    @Override
                    public void write(byte[] b, int off, int len) {
                        sha.update(b, off, len);
                    }
                }, 0, body.length());
            }
        }
        return Digests.hex(sha.digest());
    }
}
