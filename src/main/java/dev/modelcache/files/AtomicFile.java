package dev.modelcache.files;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * A small file replaced whole, durably: the bytes go to {@code <name>.tmp} (owner-only, 0600, on POSIX), are forced
 * to disk and moved over the old file, and the folder is forced too. A crash leaves the old file or the new one,
 * never half of one. For the ledger, the pins, the counters and the key recipe, each rewritten whole at every save;
 * {@link #create} makes a file once the same way (the key salt, the open-bind admin token). Every small file the proxy
 * replaces goes through here rather than its own copy of the sequence.
 */
public final class AtomicFile {
    private AtomicFile() {
    }

    /** Replaces {@code file} with {@code bytes}; its folder must exist. */
    public static void write(Path file, byte[] bytes) throws IOException {
        Path folder = file.toAbsolutePath().getParent();
        Path temp = folder.resolve(file.getFileName() + ".tmp");
        Files.deleteIfExists(temp);
        writeForced(temp, out -> writeFully(out, ByteBuffer.wrap(bytes)),
                Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), ownerOnly(folder));
        moveOver(temp, file, folder);
    }

    /** What goes into a file replaced by {@link #write(Path, String, Contents)}: written to the channel, in order. */
    @FunctionalInterface
    public interface Contents {
        void writeTo(FileChannel out) throws IOException;
    }

    /**
     * Replaces {@code file} with what {@code contents} writes, as durably as {@link #write(Path, byte[])}, for a file
     * too large to hold as one array (a record whose body is copied from a spill file). The temporary file is
     * {@code <name>-<random><tempSuffix>} in the same folder, so that two writers of one name never share one, and
     * a crash leaves at most a file with that suffix for the owner's next start to delete.
     */
    public static void write(Path file, String tempSuffix, Contents contents) throws IOException {
        Path folder = file.toAbsolutePath().getParent();
        Path temp = Files.createTempFile(folder, file.getFileName() + "-", tempSuffix, ownerOnly(folder));
        try {
            writeForced(temp, contents, Set.of(StandardOpenOption.WRITE), new FileAttribute<?>[0]);
            moveOver(temp, file, folder);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** Writes all of {@code bytes}: a channel may take fewer in one call. */
    public static void writeFully(FileChannel out, ByteBuffer bytes) throws IOException {
        while (bytes.hasRemaining()) {
            out.write(bytes);
        }
    }

    private static void moveOver(Path temp, Path file, Path folder) throws IOException {
        try {
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
        }
        forceFolder(folder);
    }

    /**
     * Creates {@code file} with {@code bytes} as durably as {@link #write}, unless it exists: true when this call made
     * it, false when it was there already (another process may have made it a moment ago; use theirs). For a secret
     * made once and kept, such as the key salt, where two processes starting together must end with one file. The
     * temporary file has a unique name, so that two such processes do not write the same one; its folder must exist.
     */
    public static boolean create(Path file, byte[] bytes) throws IOException {
        Path folder = file.toAbsolutePath().getParent();
        Path temp = Files.createTempFile(folder, file.getFileName() + "-", ".tmp", ownerOnly(folder));
        try {
            writeForced(temp, out -> writeFully(out, ByteBuffer.wrap(bytes)), Set.of(StandardOpenOption.WRITE),
                    new FileAttribute<?>[0]);
            try {
                Files.move(temp, file);
            } catch (FileAlreadyExistsException raced) {
                return false;
            }
            forceFolder(folder);
            return true;
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private static FileAttribute<?>[] ownerOnly(Path folder) {
        return folder.getFileSystem().supportedFileAttributeViews().contains("posix")
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OwnerOnly.FILE)}
                : new FileAttribute<?>[0];
    }

    private static void writeForced(Path temp, Contents contents, Set<StandardOpenOption> options,
                                    FileAttribute<?>[] attributes) throws IOException {
        try (FileChannel out = FileChannel.open(temp, options, attributes)) {
            contents.writeTo(out);
            out.force(true);
        }
    }

    /** Makes the move itself durable. */
    private static void forceFolder(Path folder) {
        try (FileChannel dir = FileChannel.open(folder, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException e) {
            // Not every file system lets a folder be forced; the move itself is done.
        }
    }

    /**
     * Moves an unreadable {@code file} aside to {@code <name>.unreadable} (replacing an older one), so the next save
     * does not destroy what a person may want to look at; false when even that failed.
     */
    public static boolean moveAside(Path file) {
        try {
            Files.move(file, file.resolveSibling(file.getFileName() + ".unreadable"), StandardCopyOption.REPLACE_EXISTING);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
