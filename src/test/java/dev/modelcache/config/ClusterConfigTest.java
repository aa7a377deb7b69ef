package dev.modelcache.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import org.junit.jupiter.api.Test;

/** cache/clusterUri and cache/clusterMB: a cluster needs a shared salt, and its URI is checked at start. */
class ClusterConfigTest {
    private static final String SALT = "a salt of enough length";

    private static Config config(String... namesAndValues) {
        return ConfigFixtures.config(namesAndValues);
    }

    @Test
    void noClusterByDefault() {
        CacheConfig cache = config().cache();
        assertNull(cache.clusterUri());
        assertEquals(CacheConfig.DEFAULT_CLUSTER_MB, cache.clusterMB());
    }

    @Test
    void aClusterAndItsSizeAreRead() {
        CacheConfig cache = config("cache/clusterUri", "terracotta://h1:9410,h2:9410/modelcache",
                "cache/clusterMB", "64", "cache/keySalt", SALT).cache();
        assertEquals(URI.create("terracotta://h1:9410,h2:9410/modelcache"), cache.clusterUri());
        assertEquals(64, cache.clusterMB());
        assertTrue(cache.toString().contains("clusterUri=terracotta://h1:9410,h2:9410/modelcache"), cache.toString());
    }

    @Test
    void aClusterWithoutASharedSaltIsRefusedNamingTheKey() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> config("cache/clusterUri", "terracotta://localhost:9410/modelcache"));
        assertEquals("cache/keySalt", e.key());
        assertTrue(e.getMessage().contains("cache/clusterUri"), e.getMessage());
        assertTrue(e.getMessage().contains("same keys"), e.getMessage());
    }

    @Test
    void aUriThatIsNotATerracottaOneIsRefused() {
        for (String bad : new String[] {"http://localhost:9410/modelcache", "terracotta://localhost:9410",
                "terracotta:///modelcache", "not a uri"}) {
            ConfigException e = assertThrows(ConfigException.class,
                    () -> config("cache/clusterUri", bad, "cache/keySalt", SALT), bad);
            assertEquals("cache/clusterUri", e.key(), bad);
        }
    }

    @Test
    void aUriWithACredentialIsRefusedWithoutEchoingIt() {
        ConfigException e = assertThrows(ConfigException.class, () -> config("cache/clusterUri",
                "terracotta://admin:s3cret-pass@localhost:9410/modelcache", "cache/keySalt", SALT));
        assertEquals("cache/clusterUri", e.key());
        assertFalse(e.getMessage().contains("s3cret-pass"), e.getMessage());
    }

    @Test
    void aClusterSizeOutOfRangeIsRefused() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> config("cache/clusterUri", "terracotta://localhost:9410/modelcache", "cache/keySalt", SALT,
                        "cache/clusterMB", "0"));
        assertEquals("cache/clusterMB", e.key());
    }
}
