package dev.modelcache.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelcache.config.AuthConfig;
import dev.modelcache.config.Config;
import dev.modelcache.config.ConfigException;
import dev.modelcache.config.Settings;
import dev.modelcache.support.TestProxy;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code auth/keys} takes named SHA-256 hashes only; every refusal names the key and repeats no secret. */
class AuthConfigTest {
    static final String HASH = ProxyKeys.sha256Hex("mc-alice-7f3a9c");

    @TempDir
    Path cacheDir;

    @Test
    void namedHashesAreReadInOrderAndUpperCaseHexIsAccepted() {
        AuthConfig auth = AuthConfig.parse(" alice:sha256:" + HASH.toUpperCase() + " , ci-bot:SHA256:"
                + ProxyKeys.sha256Hex("other") + ",");
        assertEquals(List.of("alice", "ci-bot"), List.copyOf(auth.keyHashes().keySet()));
        assertEquals(HASH, auth.keyHashes().get("alice"));
        assertTrue(auth.required());
    }

    @Test
    void noKeysByDefaultSoNothingIsAsked() {
        Config config = Config.from(Settings.of(TestProxy.settings("http://127.0.0.1:9", cacheDir)));
        assertFalse(config.auth().required());
    }

    @Test
    void aPlainKeyInsteadOfAHashIsRefusedWithoutRepeatingIt() {
        for (String value : new String[] {"alice:sk-proj-SECRET42", "sk-proj-SECRET42", "alice:sha256:sk-proj-SECRET42",
                "alice:sha256:" + HASH.substring(1) + "SECRET42", "alice:md5:SECRET42"}) {
            ConfigException refused = assertThrows(ConfigException.class, () -> AuthConfig.parse(value), value);
            assertEquals("auth/keys", refused.key());
            assertFalse(refused.getMessage().contains("SECRET42"), refused.getMessage());
            assertTrue(refused.getMessage().contains("sha256sum"), "says how to make a hash: " + refused.getMessage());
        }
    }

    @Test
    void aRefusalNamesTheEntryItIsAbout() {
        ConfigException refused = assertThrows(ConfigException.class,
                () -> AuthConfig.parse("alice:sha256:" + HASH + ",bob:sha256:notahash"));
        assertTrue(refused.getMessage().contains("'bob'") && refused.getMessage().contains("entry 2 of 2"),
                refused.getMessage());
    }

    @Test
    void namesAndHashesMustBeUniqueAndTheListNotEmpty() {
        assertEquals("auth/keys", assertThrows(ConfigException.class,
                () -> AuthConfig.parse("a:sha256:" + HASH + ",a:sha256:" + ProxyKeys.sha256Hex("x"))).key());
        assertEquals("auth/keys", assertThrows(ConfigException.class,
                () -> AuthConfig.parse("a:sha256:" + HASH + ",b:sha256:" + HASH)).key());
        assertEquals("auth/keys", assertThrows(ConfigException.class, () -> AuthConfig.parse(" , ")).key());
        assertEquals("auth/keys", assertThrows(ConfigException.class,
                () -> AuthConfig.parse("a b:sha256:" + HASH)).key());
    }

    @Test
    void proxyKeysWithoutAServerSideKeyForAProviderIsAStartupErrorNamingIt() {
        Map<String, String> settings = TestProxy.settings("http://127.0.0.1:9", cacheDir);
        settings.put("auth/keys", "alice:sha256:" + HASH);
        ConfigException refused = assertThrows(ConfigException.class, () -> Config.from(Settings.of(settings)));
        assertEquals("providers/openai/apiKey", refused.key());
        settings.put("providers/openai/apiKey", "sk-server-side");
        Config config = Config.from(Settings.of(settings));
        assertTrue(config.auth().required());
        assertFalse(config.toString().contains(HASH), config.toString());
        assertFalse(config.toString().contains("sk-server-side"), config.toString());
    }
}
