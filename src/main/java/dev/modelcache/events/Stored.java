package dev.modelcache.events;

/** An answer written to the cache under {@code keyId}, with its body size. */
public record Stored(String keyId, String provider, String model, long bodyBytes) {
}
