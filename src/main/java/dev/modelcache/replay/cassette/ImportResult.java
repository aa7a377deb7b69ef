package dev.modelcache.replay.cassette;

import java.util.List;

/**
 * What an import did: the entries stored, the record files refused (each with the file, relative to the folder or
 * zip imported, and why), and the files skipped because they are not record files (a README beside the cassettes).
 */
public record ImportResult(int imported, List<Refusal> refused, List<String> skipped) {
    public ImportResult {
        refused = List.copyOf(refused);
        skipped = List.copyOf(skipped);
    }

    /** A record file that was not imported, and why. */
    public record Refusal(String file, String reason) {
        @Override
        public String toString() {
            return file + ": " + reason;
        }
    }
}
