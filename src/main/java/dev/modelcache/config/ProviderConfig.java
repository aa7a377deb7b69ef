package dev.modelcache.config;

import java.net.URI;
import java.util.List;

/**
 * One row of the provider table: {@code providers/<name>/type}, {@code baseUrl}, {@code models} (comma-separated
 * globs) and the optional {@code apiKey} the proxy sends upstream when a caller sends no credential of its own.
 */
public record ProviderConfig(String name, String type, URI baseUrl, List<String> models, String apiKey) {
    public ProviderConfig {
        models = List.copyOf(models);
    }

    /** The base URL without user information, which may be a credential. */
    public static String redacted(URI url) {
        return url.getRawUserInfo() == null ? url.toString() : url.toString().replace(url.getRawUserInfo() + "@", "***@");
    }

    /** Never prints the key. */
    @Override
    public String toString() {
        return "ProviderConfig[name=" + name + ", type=" + type + ", baseUrl=" + redacted(baseUrl) + ", models=" + models
                + ", apiKey=" + (apiKey == null ? "none" : "set") + "]";
    }
}
