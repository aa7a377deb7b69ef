package dev.modelcache.replay.cassette;

import dev.modelcache.store.RecordFormat;
import dev.modelcache.config.CacheConfig;
import dev.modelcache.config.ServerConfig;
import java.io.IOException;

/**
 * How much an import may hold, so that a small zip cannot fill the disk or the heap (a zip bomb):
 * <ul>
 *   <li>{@code recordBytes}: the largest record file, {@code headerBytes} of header (the longest a record of this
 *       proxy can have, {@link RecordFormat#maxHeaderBytes}) plus the largest answer it keeps
 *       ({@code cache/maxEntryMB}). A live answer can make no larger record, so nothing a proxy exported is refused.
 *       Every entry of a zip is held to it, counted as it is inflated;</li>
 *   <li>{@code totalBytes}: the bytes a zip may inflate to in all, at most {@value #TOTAL_BYTES} bytes (1 GiB, or
 *       one largest record when that is more): a test suite's cassettes are a few megabytes, and a whole cache moves
 *       with {@code java -jar modelcache.war import --from DIR} from an unpacked folder, which has no total;</li>
 *   <li>{@code entries}: at most {@value #ENTRIES} entries in a zip, each name at most {@value #NAME_CHARS}
 *       characters, which bounds the names held while it is checked.</li>
 * </ul>
 * The sizes a zip declares are never trusted: bytes are counted as they are inflated, and the import stops at the
 * first byte past a bound with {@link Exceeded}.
 */
public record ImportLimits(long recordBytes, long headerBytes, long totalBytes, int entries) {
    public static final long TOTAL_BYTES = 1L << 30;
    public static final int ENTRIES = 10_000;
    public static final int NAME_CHARS = 1024;
    /** The bounds for a proxy with the default {@code cache/maxEntryMB} and {@code maxBodyBytes}. */
    public static final ImportLimits DEFAULT = forRecords(CacheConfig.DEFAULT_MAX_ENTRY_MB * 1024 * 1024,
            ServerConfig.DEFAULT_MAX_BODY_BYTES);

    /** The bounds for records of a proxy that keeps answers up to {@code maxEntryBytes} and takes requests up to {@code maxBodyBytes}. */
    public static ImportLimits forRecords(long maxEntryBytes, long maxBodyBytes) {
        long header = RecordFormat.maxHeaderBytes(maxBodyBytes, maxEntryBytes);
        long record = header + maxEntryBytes;
        return new ImportLimits(record, header, Math.max(TOTAL_BYTES, record), ENTRIES);
    }

    /** An import past one of its bounds: refused whole, nothing stored; the admin endpoint answers 413. */
    public static final class Exceeded extends IOException {
        public Exceeded(String message) {
            super(message);
        }
    }
}
