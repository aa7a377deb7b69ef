package dev.modelcache.replay.cassette;

import dev.modelcache.store.RecordFile;
import dev.modelcache.files.RegularFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * {@code export --clean}: the record files of a cassette folder that an export did not write although they are in
 * its selection (a request no longer made, an entry since deleted), and the folders left empty without them.
 */
final class StaleFiles {
    private StaleFiles() {
    }

    /**
     * Deletes the {@code .mcr} files below the exported namespace folder ({@code dir} itself without a namespace
     * filter) that are not in {@code written} and either match {@code filter} or cannot be read; then the folders
     * left empty. Other files (a README) are kept. Returns the number of files deleted.
     */
    static int remove(Path dir, CassetteFilter filter, Set<Path> written) throws IOException {
        Path scope = filter.namespace() == null ? dir : dir.resolve(CassetteLayout.namespaceFolder(filter.namespace()));
        if (!Files.isDirectory(scope)) {
            return 0;
        }
        int removed = 0;
        for (String name : RecordScan.files(scope)) {
            Path file = scope.resolve(name);
            if (name.endsWith(RecordFile.SUFFIX) && !written.contains(file.toAbsolutePath().normalize()) && stale(file, filter)) {
                Files.delete(file);
                removed++;
            }
        }
        removeEmptyFolders(scope);
        return removed;
    }

    private static boolean stale(Path file, CassetteFilter filter) {
        try {
            return filter.matches(RecordFile.readHead(file).request());
        } catch (IOException | RuntimeException unreadable) {
            return true;
        }
    }

    private static void removeEmptyFolders(Path scope) throws IOException {
        List<Path> folders;
        try (Stream<Path> all = Files.walk(scope)) {
            folders = all.filter(RegularFiles::isFolder).sorted(Comparator.reverseOrder()).toList();
        }
        for (Path folder : folders) {
            if (!folder.equals(scope)) {
                try (Stream<Path> inside = Files.list(folder)) {
                    if (inside.findAny().isEmpty()) {
                        Files.delete(folder);
                    }
                }
            }
        }
    }
}
