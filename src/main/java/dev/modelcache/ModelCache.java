package dev.modelcache;

import dev.modelcache.admin.AdminEndpoints;
import dev.modelcache.admin.ProxyStats;
import dev.modelcache.cache.CacheKeyFactory;
import dev.modelcache.cache.DurableResponseStore;
import dev.modelcache.cache.KeySalt;
import dev.modelcache.cache.ResponseStore;
import dev.modelcache.config.Config;
import dev.modelcache.provider.ProviderTable;
import dev.modelcache.tokens.TokenCounter;
import dev.modelcache.upstream.UpstreamClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One running proxy: everything built from a {@link Config}, and closed together. The servlet container holds it
 * through {@link AppLifecycle}; tests and the launcher may build it directly.
 */
public final class ModelCache implements AutoCloseable {
    /** The servlet context attribute under which {@link AppLifecycle} keeps the running instance. */
    public static final String ATTRIBUTE = ModelCache.class.getName();

    private final Config config;
    private final ProviderTable providers;
    private final ResponseStore store;
    private final UpstreamClient upstream;
    private final ProxyStats stats = new ProxyStats();
    private final CachingProxy proxy;
    private final AdminEndpoints admin;

    private ModelCache(Config config) {
        this.config = config;
        this.providers = ProviderTable.create(config, new TokenCounter());
        Path spillDir = config.cacheDir().resolve("tmp");
        prepare(config.cacheDir(), spillDir);
        CacheKeyFactory keys = new CacheKeyFactory(KeySalt.of(config.keySalt(), config.cacheDir()));
        this.store = DurableResponseStore.open(config.cacheDir(), config.heapKB(), config.heapEntries(), config.diskMB(),
                config.ttl(), config.recordBytes());
        this.upstream = new UpstreamClient(config.connectTimeout(), config.responseTimeout());
        // A leader has its answer's first bytes, or its error, within the connect plus the response timeout:
        // waiting that long for it means a waiter never gives up on a leader that is about to answer.
        this.proxy = new CachingProxy(providers, keys, store, upstream, stats, spillDir, config.maxEntryBytes(),
                config.connectTimeout().plus(config.responseTimeout()));
        this.admin = new AdminEndpoints(stats, store, providers.providers(), config.adminToken());
    }

    public static ModelCache start(Config config) {
        return new ModelCache(config);
    }

    /** Creates the cache folder and empties the spill folder of copies left by a crash. */
    private static void prepare(Path cacheDir, Path spillDir) {
        try {
            Files.createDirectories(spillDir);
            try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(spillDir, "capture-*.part")) {
                for (Path leftover : leftovers) {
                    Files.deleteIfExists(leftover);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot use the cache folder " + cacheDir + " (modelcache cache/dir): " + e.getMessage(), e);
        }
    }

    public Config config() {
        return config;
    }

    public CachingProxy proxy() {
        return proxy;
    }

    public AdminEndpoints admin() {
        return admin;
    }

    public ProxyStats stats() {
        return stats;
    }

    public ResponseStore store() {
        return store;
    }

    public ProviderTable providers() {
        return providers;
    }

    @Override
    public void close() {
        try {
            upstream.close();
        } finally {
            store.close();
        }
    }
}
