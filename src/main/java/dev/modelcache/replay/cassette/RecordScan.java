package dev.modelcache.replay.cassette;

import dev.modelcache.files.RegularFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The regular files below a folder, as paths relative to it with {@code /} between folders, in name order; a FIFO,
 * device or link among them is skipped with a log line, never opened ({@link RegularFiles#below}).
 */
final class RecordScan {
    private RecordScan() {
    }

    static List<String> files(Path dir) throws IOException {
        return RegularFiles.below(dir);
    }
}
