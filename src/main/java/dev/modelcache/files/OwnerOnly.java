package dev.modelcache.files;

import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Folders and files that only the user the proxy runs as may read: cached prompts and answers are private. On a
 * POSIX file system folders are {@code rwx------} (0700) and files {@code rw-------} (0600); elsewhere (Windows)
 * these are no-ops and the file system's own inheritance applies.
 */
public final class OwnerOnly {
    public static final Set<PosixFilePermission> FOLDER = PosixFilePermissions.fromString("rwx------");
    public static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

    private OwnerOnly() {
    }

    /**
     * Creates {@code folder} and any missing parents, each new one 0700, and narrows {@code folder} itself to 0700
     * when it already existed with more. Parents that already exist are left as they are.
     */
    public static Path createDirectories(Path folder) throws IOException {
        if (isPosix(folder.getFileSystem())) {
            FileAttribute<Set<PosixFilePermission>> ownerOnly = PosixFilePermissions.asFileAttribute(FOLDER);
            Files.createDirectories(folder, ownerOnly);
            restrict(folder);
        } else {
            Files.createDirectories(folder);
        }
        return folder;
    }

    /** Narrows an existing folder to 0700 or file to 0600 (not following a link); a no-op off POSIX. */
    public static void restrict(Path path) throws IOException {
        if (isPosix(path.getFileSystem()) && !Files.isSymbolicLink(path)) {
            Set<PosixFilePermission> wanted = Files.isDirectory(path) ? FOLDER : FILE;
            if (!Files.getPosixFilePermissions(path).equals(wanted)) {
                Files.setPosixFilePermissions(path, wanted);
            }
        }
    }

    /** Narrows {@code root} and everything below it (folders 0700, files 0600); links are not followed. */
    public static void restrictTree(Path root) throws IOException {
        if (!isPosix(root.getFileSystem()) || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> all = Files.walk(root)) {
            for (Path path : (Iterable<Path>) all::iterator) {
                restrict(path);
            }
        }
    }

    private static boolean isPosix(FileSystem fileSystem) {
        return fileSystem.supportedFileAttributeViews().contains("posix");
    }
}
