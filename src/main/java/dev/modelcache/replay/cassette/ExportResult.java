package dev.modelcache.replay.cassette;

import java.util.List;

/**
 * What an export did: the entries it exported ({@code written} files new or changed, {@code unchanged} files left
 * as they were, byte for byte), the stale files {@code --clean} removed, and the entries it skipped, each with why
 * (one that cannot be keyed, another entry for the same request, one unreadable now).
 */
public record ExportResult(int written, int unchanged, int removed, List<String> skipped) {
    public ExportResult {
        skipped = List.copyOf(skipped);
    }

    /** Every entry exported: written or unchanged. */
    public int exported() {
        return written + unchanged;
    }
}
