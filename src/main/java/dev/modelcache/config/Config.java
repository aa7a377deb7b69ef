package dev.modelcache.config;

/**
 * The validated, typed configuration, grouped by concern: the server, the cache, the upstream connections, the
 * admin endpoints, the provider table, replay, the proxy keys, billing and the logs. Every key and default lives in its group;
 * {@link #from(Settings)} fails with a {@link ConfigException} naming the first bad key, so a misconfigured proxy
 * never starts half-working. {@link #toString()} never prints a secret.
 */
public record Config(ServerConfig server, CacheConfig cache, UpstreamConfig upstream, AdminConfig admin,
                     ProvidersConfig providers, ReplayConfig replay, AuthConfig auth, BillingConfig billing,
                     LogConfig log) {

    /** Proxy keys need a server-side key for every provider (see {@link AuthConfig}). */
    public Config {
        auth.requireServerKeys(providers);
    }

    public static Config from(Settings settings) {
        ConfigReader r = new ConfigReader(settings);
        return new Config(ServerConfig.read(r), CacheConfig.read(r), UpstreamConfig.read(r), AdminConfig.read(r),
                ProvidersConfig.read(r), ReplayConfig.read(r), AuthConfig.read(r), BillingConfig.read(r),
                LogConfig.read(r));
    }
}
