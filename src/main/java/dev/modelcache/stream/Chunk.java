package dev.modelcache.stream;

/**
 * One piece of an answer as it arrived: the body's bytes up to {@code end} (exclusive, counted from the body's
 * start), which came {@code atMillis} after the response headers. A streamed answer has a chunk per event (per
 * NDJSON line), a plain one a single chunk; replay writes them with the same pauses, or at once.
 */
public record Chunk(int end, int atMillis) {
}
