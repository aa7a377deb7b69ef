package dev.modelcache.replay;

/**
 * How much a zip to import may hold, counted as it is unpacked (never trusting the sizes the zip declares):
 * bytes per entry, bytes in all, and entries. {@link #DEFAULT}: an entry as large as a record can be read
 * (2 GiB), 16 GiB in all, 100 000 entries.
 */
public record ZipLimits(long entryBytes, long totalBytes, int entries) {
    public static final ZipLimits DEFAULT = new ZipLimits(Integer.MAX_VALUE - 8, 16L << 30, 100_000);
}
