package dev.modelcache.files;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Deleting a folder and all below it, written once: the Ehcache tiers emptied when they cannot open, a cassette
 * folder replaced by an import, the launcher's temporary folders at exit. Links are deleted, never followed, so a
 * link inside the tree cannot make this delete something outside it.
 */
public final class FileTrees {
    private FileTrees() {
    }

    /** Deletes {@code folder} and everything below it, deepest first; nothing when it does not exist. */
    public static void delete(Path folder) throws IOException {
        if (!Files.exists(folder, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        List<Path> deepestFirst;
        try (Stream<Path> all = Files.walk(folder)) {
            deepestFirst = all.sorted(Comparator.reverseOrder()).toList();
        }
        for (Path path : deepestFirst) {
            Files.deleteIfExists(path);
        }
    }
}
