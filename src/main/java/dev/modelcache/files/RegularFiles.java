package dev.modelcache.files;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

/**
 * Only regular files are opened. A FIFO blocks its reader until some writer opens it (forever, at a start that
 * indexes a folder), a device reads without end, and a link may lead anywhere: none of them is a file this proxy
 * wrote. What a folder of records holds is checked without following links ({@code NOFOLLOW_LINKS}) before it is
 * opened; anything else is skipped with one log line, and never stops a walk.
 */
public final class RegularFiles {
    private static final Logger LOG = System.getLogger(RegularFiles.class.getName());

    private RegularFiles() {
    }

    /** The file's attributes, its own and not a link's target; fails unless it is a regular file. */
    public static BasicFileAttributes attributes(Path file) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!attributes.isRegularFile()) {
            throw new IOException(file + " is not a regular file (" + kind(attributes) + ")");
        }
        return attributes;
    }

    /** True when {@code path} is a folder itself, not a link to one. */
    public static boolean isFolder(Path path) {
        return Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS);
    }

    /** What a path that is not a regular file is, for a log line. */
    public static String kind(BasicFileAttributes attributes) {
        return attributes.isSymbolicLink() ? "a link" : attributes.isDirectory() ? "a folder"
                : attributes.isOther() ? "a FIFO, socket or device" : "not a regular file";
    }

    /** Logs, once for this walk, that {@code path} is skipped and why. */
    public static void skipped(Path path, String why) {
        LOG.log(Level.WARNING, "skipping " + path + ": " + why);
    }

    /**
     * The regular files below {@code dir} (a link to a folder is followed there, nowhere below), as paths relative to
     * it with {@code /} between folders, in name order. Links, FIFOs, sockets and devices are skipped with a log line.
     * Fails when a folder cannot be read: a folder of records read in part would quietly serve fewer answers.
     */
    public static List<String> below(Path dir) throws IOException {
        Path root = dir.toRealPath();
        List<String> files = new ArrayList<>();
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                if (attributes.isRegularFile()) {
                    files.add(root.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/"));
                } else {
                    skipped(file, kind(attributes));
                }
                return FileVisitResult.CONTINUE;
            }
        });
        files.sort(null);
        return files;
    }
}
