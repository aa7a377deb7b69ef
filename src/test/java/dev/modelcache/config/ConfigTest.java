package dev.modelcache.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ConfigTest {
    private static final String OPENAI_URL = ConfigFixtures.OPENAI_URL;

    private static Map<String, String> minimal(String... more) {
        return ConfigFixtures.minimal(more);
    }

    private static Config config(String... more) {
        return ConfigFixtures.config(more);
    }

    private static ConfigException fails(Map<String, String> values) {
        return assertThrows(ConfigException.class, () -> Config.from(Settings.of(values)));
    }

    private static void assertNamesKey(ConfigException e, String key) {
        assertEquals(key, e.key(), e.getMessage());
        assertTrue(e.getMessage().contains("'" + key + "'"), e.getMessage());
    }

    @Test
    void defaultsApplyWhenOnlyTheDefaultProviderIsConfigured() {
        Config c = config();
        assertEquals(ServerConfig.DEFAULT_PORT, c.server().port());
        assertEquals(8080, c.server().port());
        assertEquals(CacheConfig.defaultDir(), c.cache().dir());
        assertEquals(CacheConfig.DEFAULT_HEAP_ENTRIES, c.cache().heapEntries());
        assertEquals(CacheConfig.DEFAULT_DISK_MB, c.cache().diskMB());
        assertEquals(Duration.ZERO, c.cache().ttl());
        assertEquals(CacheConfig.DEFAULT_MAX_ENTRY_MB * 1024 * 1024, c.cache().maxEntryBytes());
        assertEquals("openai", c.providers().defaultProvider());
        assertEquals(Duration.ofSeconds(UpstreamConfig.DEFAULT_CONNECT_TIMEOUT_SECONDS), c.upstream().connectTimeout());
        assertEquals(Duration.ofSeconds(UpstreamConfig.DEFAULT_RESPONSE_TIMEOUT_SECONDS), c.upstream().responseTimeout());
        assertEquals(ServerConfig.DEFAULT_MAX_BODY_BYTES, c.server().maxBodyBytes());
        assertNull(c.admin().token());
        ProviderConfig openai = c.providers().provider("openai");
        assertEquals("openai", openai.type());
        assertEquals(URI.create("https://api.openai.com"), openai.baseUrl());
        assertEquals(List.of(), openai.models());
        assertNull(openai.apiKey());
    }

    @Test
    void explicitValuesAreRead() {
        Config c = config("port", "9090", "cache/dir", "/var/cache/mc", "cache/heapEntries", "50",
                "cache/diskMB", "2_048", "cache/ttl", "3600", "cache/maxEntryMB", "8", "upstream/connectTimeout", "3",
                "upstream/responseTimeout", "60", "maxBodyBytes", "4096", "admin/token", "t0k");
        assertEquals(9090, c.server().port());
        assertEquals(Path.of("/var/cache/mc"), c.cache().dir());
        assertEquals(50, c.cache().heapEntries());
        assertEquals(2048, c.cache().diskMB());
        assertEquals(Duration.ofHours(1), c.cache().ttl());
        assertEquals(8L * 1024 * 1024, c.cache().maxEntryBytes());
        assertEquals(Duration.ofSeconds(3), c.upstream().connectTimeout());
        assertEquals(Duration.ofSeconds(60), c.upstream().responseTimeout());
        assertEquals(4096, c.server().maxBodyBytes());
        assertEquals("t0k", c.admin().token());
    }

    @Test
    void tildeInCacheDirIsTheHomeDirectory() {
        assertEquals(Path.of(System.getProperty("user.home"), "mc"), config("cache/dir", "~/mc").cache().dir());
    }

    @Test
    void precedenceAppliesToTypedValues() {
        Settings s = Settings.layered(minimal("port", "1001"), props("modelcache.port", "1002"),
                Map.of("MODELCACHE_PORT", "1003"));
        assertEquals(1003, Config.from(s).server().port());
        s = Settings.layered(minimal("port", "1001"), props("modelcache.port", "1002"), Map.of());
        assertEquals(1002, Config.from(s).server().port());
        s = Settings.layered(minimal("port", "1001"), props("modelcache.port", ""), Map.of("MODELCACHE_PORT", ""));
        assertEquals(1001, Config.from(s).server().port());
    }

    @Test
    void emptyValueMeansTheDefault() {
        assertEquals(ServerConfig.DEFAULT_PORT, config("port", "").server().port());
        assertEquals(CacheConfig.DEFAULT_DISK_MB, config("cache/diskMB", " ").cache().diskMB());
        assertNull(config("admin/token", "").admin().token());
    }

    private static Properties props(String... namesAndValues) {
        Properties p = new Properties();
        for (int i = 0; i + 1 < namesAndValues.length; i += 2) {
            p.setProperty(namesAndValues[i], namesAndValues[i + 1]);
        }
        return p;
    }

    @Test
    void providerDefinedOnlyInTheEnvironmentIsFound() {
        Settings s = Settings.layered(minimal(), props(), Map.of(
                "MODELCACHE_PROVIDERS_GROQ_BASEURL", "https://api.groq.com/openai",
                "MODELCACHE_PROVIDERS_GROQ_MODELS", "llama*, mixtral-*",
                "MODELCACHE_PROVIDERS_GROQ_APIKEY", "gsk-123"));
        Config c = Config.from(s);
        ProviderConfig groq = c.providers().provider("groq");
        assertEquals(URI.create("https://api.groq.com/openai"), groq.baseUrl());
        assertEquals(List.of("llama*", "mixtral-*"), groq.models());
        assertEquals("gsk-123", groq.apiKey());
        assertEquals("openai", groq.type());
    }

    @Test
    void providerDefinedOnlyInSystemPropertiesIsFound() {
        Settings s = Settings.layered(Map.of(), props("modelcache.providers.openai.baseUrl", "https://api.openai.com",
                "modelcache.providers.local.baseUrl", "http://localhost:11434", "modelcache.defaultProvider", "local"), Map.of());
        Config c = Config.from(s);
        assertEquals("local", c.providers().defaultProvider());
        assertEquals(URI.create("http://localhost:11434"), c.providers().provider("local").baseUrl());
    }

    @Test
    void environmentOverridesAProviderKeyFromJndi() {
        Settings s = Settings.layered(minimal("providers/openai/apiKey", "jndi-key"), props(),
                Map.of("MODELCACHE_PROVIDERS_OPENAI_APIKEY", "env-key"));
        Config c = Config.from(s);
        assertEquals(1, c.providers().table().size());
        assertEquals("env-key", c.providers().provider("openai").apiKey());
    }

    @Test
    void providerTypeIsCaseInsensitiveAndBaseUrlLosesItsTrailingSlash() {
        ProviderConfig p = config("providers/openai/type", "OpenAI", OPENAI_URL, "https://api.openai.com/").providers().provider("openai");
        assertEquals("openai", p.type());
        assertEquals(URI.create("https://api.openai.com"), p.baseUrl());
    }

    @Test
    void modelGlobsAreSplitOnCommasAndTrimmed() {
        assertEquals(List.of("gpt-*", "o?-mini", "text-embedding-3-small"),
                config("providers/openai/models", " gpt-*, o?-mini,,text-embedding-3-small ").providers().provider("openai").models());
    }

    @Test
    void noProviderAtAllFailsNamingDefaultProvider() {
        assertNamesKey(fails(Map.of()), "defaultProvider");
    }

    @Test
    void defaultProviderNotInTheTableFails() {
        ConfigException e = fails(minimal("defaultProvider", "groq"));
        assertNamesKey(e, "defaultProvider");
        assertTrue(e.getMessage().contains("groq"), e.getMessage());
    }

    @ParameterizedTest(name = "{0} = ''{1}''")
    @CsvSource({
            "port, abc",
            "port, 80.5",
            "port, 8080x",
            "port, -1",
            "port, 65536",
            "port, 99999999999999999999",
            "cache/heapEntries, 0",
            "cache/heapEntries, many",
            "cache/diskMB, 0",
            "cache/diskMB, 1MB",
            "cache/ttl, -1",
            "cache/ttl, 1h",
            "cache/maxEntryMB, 0",
            "cache/maxEntryMB, 2048",
            "upstream/connectTimeout, 0",
            "upstream/connectTimeout, 3601",
            "upstream/connectTimeout, ten",
            "upstream/responseTimeout, 0",
            "upstream/responseTimeout, 86401",
            "maxBodyBytes, 1023",
            "maxBodyBytes, 2147483647",
            "maxBodyBytes, lots",
    })
    void badNumberFailsNamingTheKey(String key, String value) {
        assertNamesKey(fails(minimal(key, value)), key);
    }

    @Test
    void missingBaseUrlFailsNamingIt() {
        ConfigException e = fails(minimal("providers/groq/models", "llama*"));
        assertNamesKey(e, "providers/groq/baseUrl");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ftp://api.openai.com", "file:///etc/passwd", "api.openai.com", "https://api.openai.com/v1?key=x",
            "https://api.openai.com#frag", "https://", "http://bad host", "mailto:a@b.c"})
    void nonHttpBaseUrlFailsNamingIt(String url) {
        assertNamesKey(fails(minimal(OPENAI_URL, url)), OPENAI_URL);
    }

    @Test
    void httpAndHttpsBaseUrlsWithPathPrefixesAreAccepted() {
        assertEquals(URI.create("http://localhost:8000/v1"), config(OPENAI_URL, "http://localhost:8000/v1").providers().provider("openai").baseUrl());
        assertEquals(URI.create("HTTPS://api.groq.com/openai"), config(OPENAI_URL, "HTTPS://api.groq.com/openai").providers().provider("openai").baseUrl());
    }

    @ParameterizedTest
    @ValueSource(strings = {"gpt 4", "gpt-[4]", "gpt-4;", "gpt-4|o1", "(gpt)", "gpt+", "gpt\\d", "gpt-4$"})
    void badGlobCharactersFailNamingModels(String glob) {
        assertNamesKey(fails(minimal("providers/openai/models", "gpt-*," + glob)), "providers/openai/models");
    }

    @Test
    void globsWithAllowedCharactersAreAccepted() {
        assertEquals(List.of("meta-llama/Llama-3.1-8B*", "claude-3.5@2024:?", "o1_*"),
                config("providers/openai/models", "meta-llama/Llama-3.1-8B*,claude-3.5@2024:?,o1_*").providers().provider("openai").models());
    }

    @Test
    void badProviderNameFails() {
        ConfigException e = fails(minimal("providers/my.llm/baseUrl", "https://x"));
        assertTrue(e.key().startsWith("providers/my.llm/"), e.getMessage());
        assertTrue(e.getMessage().contains("my.llm"), e.getMessage());
    }

    @Test
    void maxEntryLargerThanTheRecordFailsNamingMaxEntryMB() {
        assertNamesKey(fails(minimal("cache/recordMB", "10", "cache/maxEntryMB", "11")), "cache/maxEntryMB");
        // The default maxEntryMB (64) does not fit a 10 MB record either.
        assertNamesKey(fails(minimal("cache/recordMB", "10")), "cache/maxEntryMB");
    }

    @Test
    void anEntryLargerThanEhcachesDiskTierIsAcceptedAsItLivesInTheRecord() {
        assertEquals(100L * 1024 * 1024, config("cache/diskMB", "10", "cache/maxEntryMB", "100").cache().maxEntryBytes());
    }

    @Test
    void exceptionMessageTellsAllThreeWaysToSetTheKey() {
        ConfigException e = fails(minimal("cache/diskMB", "x"));
        assertTrue(e.getMessage().contains("java:comp/env/modelcache/cache/diskMB"), e.getMessage());
        assertTrue(e.getMessage().contains("modelcache.cache.diskMB"), e.getMessage());
        assertTrue(e.getMessage().contains("MODELCACHE_CACHE_DISKMB"), e.getMessage());
    }

    @Test
    void toStringNeverPrintsApiKeyOrAdminToken() {
        Config c = config("providers/openai/apiKey", "sk-live-SECRET1", "providers/groq/baseUrl", "https://api.groq.com/openai",
                "providers/groq/apiKey", "gsk_SECRET2", "admin/token", "ADMIN-SECRET3");
        String text = c.toString();
        for (String secret : List.of("SECRET1", "SECRET2", "SECRET3")) {
            assertFalse(text.contains(secret), text);
            for (ProviderConfig p : c.providers().table()) {
                assertFalse(p.toString().contains(secret), p.toString());
            }
        }
        assertTrue(text.contains("token=set"), text);
        assertTrue(c.providers().provider("openai").toString().contains("apiKey=set"), c.providers().provider("openai").toString());
        assertTrue(text.contains("https://api.groq.com/openai"), text);
    }

    @Test
    void toStringSaysNoneWhenNoSecretsAreSet() {
        Config c = config();
        assertTrue(c.toString().contains("token=none"), c.toString());
        assertTrue(c.providers().provider("openai").toString().contains("apiKey=none"));
    }

    @Test
    void emptyEnvironmentVariableDoesNotCreateAProvider() {
        Settings s = Settings.layered(minimal(), props(), Map.of("MODELCACHE_PROVIDERS_GROQ_APIKEY", ""));
        Config c = Config.from(s);
        assertEquals(List.of("openai"), c.providers().table().stream().map(ProviderConfig::name).toList());
    }

    @Test
    void environmentOverrideOfAHyphenatedProviderDoesNotInventAnotherProvider() {
        Map<String, String> jndi = minimal("providers/my-llm/baseUrl", "http://localhost:8000", "providers/my-llm/models", "local-*");
        Settings s = Settings.layered(jndi, props(), Map.of("MODELCACHE_PROVIDERS_MY_LLM_APIKEY", "env-key"));
        Config c = Config.from(s);
        assertEquals(List.of("my-llm", "openai"), c.providers().table().stream().map(ProviderConfig::name).toList());
        assertEquals("env-key", c.providers().provider("my-llm").apiKey());
    }

    @Test
    void aBaseUrlWithUserInfoIsRefusedWithoutRepeatingIt() {
        ConfigException e = assertThrows(ConfigException.class, () -> config(OPENAI_URL, "https://me:s3cret@api.openai.com"));
        assertNamesKey(e, OPENAI_URL);
        assertFalse(e.getMessage().contains("s3cret"), e.getMessage());
        assertTrue(e.getMessage().contains("providers/openai/apiKey"), "says where the key goes: " + e.getMessage());
    }

    @Test
    void anUnparsableBaseUrlIsNotRepeatedInTheError() {
        ConfigException e = assertThrows(ConfigException.class, () -> config(OPENAI_URL, "https://api.openai.com/a b?key=s3cret"));
        assertFalse(e.getMessage().contains("s3cret"), e.getMessage());
    }

    @Test
    void upstreamConnectionsDefaultToAThousandAndCanBeSet() {
        assertEquals(UpstreamConfig.DEFAULT_MAX_CONNECTIONS, config().upstream().maxConnections());
        assertEquals(2000, config("upstream/maxConnections", "2000").upstream().maxConnections());
        assertNamesKey(assertThrows(ConfigException.class, () -> config("upstream/maxConnections", "0")), "upstream/maxConnections");
    }

    @Test
    void upstreamDenyAddressesDefaultToMetadataAndAnUnreadableRangeNamesTheKey() throws Exception {
        java.net.InetAddress metadata = java.net.InetAddress.getByName("169.254.169.254");
        java.net.InetAddress loopback = java.net.InetAddress.getByName("127.0.0.1");
        assertTrue(config().upstream().denyAddresses().denies(metadata));
        assertFalse(config().upstream().denyAddresses().denies(loopback));
        assertTrue(config("upstream/denyAddresses", "metadata,private").upstream().denyAddresses().denies(loopback));
        assertFalse(config("upstream/denyAddresses", "none").upstream().denyAddresses().denies(metadata));
        assertNamesKey(assertThrows(ConfigException.class, () -> config("upstream/denyAddresses", "metadata.internal")),
                "upstream/denyAddresses");
    }

    @Test
    void theConfigurationIsGroupedByConcern() {
        Config c = config("port", "9", "cache/ttl", "60", "upstream/connectTimeout", "4", "admin/token", "t");
        assertEquals(9, c.server().port());
        assertEquals(Duration.ofSeconds(60), c.cache().ttl());
        assertEquals(Duration.ofSeconds(4 + UpstreamConfig.DEFAULT_RESPONSE_TIMEOUT_SECONDS), c.upstream().longestWaitForFirstBytes());
        assertEquals("t", c.admin().token());
        assertEquals("openai", c.providers().defaultProvider());
    }
}
