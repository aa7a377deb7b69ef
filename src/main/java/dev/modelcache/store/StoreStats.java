package dev.modelcache.store;

/**
 * The store's counters since start, and its size now.
 * <ul>
 *   <li>entries, bytes: records held now (the real entry count) and the bytes their files take;
 *       maxBytes: the record's size bound ({@code cache/recordMB});</li>
 *   <li>reads: look-ups; tierHits: answered by Ehcache's heap or disk tier; recordHits: answered from a record
 *       file (after a restart, an Ehcache eviction, or for an entry too large for the tiers);</li>
 *   <li>writes: answers stored durably; writeFailures: answers that could not be written (the client still got
 *       them); readFailures: look-ups that failed and counted as misses; tierFailures: Ehcache errors, each a
 *       miss in the tiers only;</li>
 *   <li>tierEvictions: entries Ehcache evicted for space (nothing is lost: the record still has them);
 *       recordEvictions: records deleted, oldest first, to stay under maxBytes; expired: records past
 *       {@code cache/ttl}, deleted; ignoredRecords: record files found torn or unreadable, never served.</li>
 * </ul>
 */
public record StoreStats(long entries, long bytes, long maxBytes, long reads, long tierHits, long recordHits,
                         long writes, long writeFailures, long readFailures, long tierFailures, long tierEvictions,
                         long recordEvictions, long expired, long ignoredRecords) {
}
