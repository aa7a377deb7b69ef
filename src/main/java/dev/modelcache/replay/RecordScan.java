package dev.modelcache.replay;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The regular files below a folder, as paths relative to it with {@code /} between folders, in name order. */
final class RecordScan {
    private RecordScan() {
    }

    static List<String> files(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            return all.filter(Files::isRegularFile)
                    .map(file -> dir.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/"))
                    .sorted().toList();
        }
    }
}
