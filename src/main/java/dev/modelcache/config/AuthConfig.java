package dev.modelcache.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The proxy keys, {@code auth/keys}: named keys that clients present to the proxy, stored only as SHA-256 hashes,
 * as {@code name:sha256:<64 hex digits>} separated by commas, for example
 * {@code alice:sha256:2c26…,ci:sha256:fcde…}. The hash of a key is {@code printf %s "$KEY" | sha256sum}. A value
 * that is not such a hash (a plain key pasted by mistake) is refused at startup, and no error repeats it. No keys
 * (the default) means the proxy asks clients for nothing. {@link #toString()} prints the names only.
 */
public record AuthConfig(Map<String, String> keyHashes) {
    public static final String KEYS = ConfigKeys.AUTH_KEYS.key();
    private static final String FORMAT = "name:sha256:<64 hex digits>, separated by commas"
            + " (the hash of a key is printf %s \"$KEY\" | sha256sum)";

    public AuthConfig {
        keyHashes = Collections.unmodifiableMap(new LinkedHashMap<>(keyHashes));
    }

    /** No proxy keys: every request is let through as before. */
    public static AuthConfig none() {
        return new AuthConfig(Map.of());
    }

    /** True when requests must present a proxy key. */
    public boolean required() {
        return !keyHashes.isEmpty();
    }

    static AuthConfig read(ConfigReader r) {
        return r.text(ConfigKeys.AUTH_KEYS).map(AuthConfig::parse).orElseGet(AuthConfig::none);
    }

    /** Parses the value of {@code auth/keys}: lower-case hex hashes by name, in the order given. */
    public static AuthConfig parse(String value) {
        Map<String, String> hashes = new LinkedHashMap<>();
        String[] entries = value.split(",");
        for (int i = 0; i < entries.length; i++) {
            String entry = entries[i].trim();
            String where = "entry " + (i + 1) + " of " + entries.length;
            if (entry.isEmpty()) {
                continue;
            }
            List<String> parts = List.of(entry.split(":", -1));
            String name = parts.get(0).trim();
            if (parts.size() != 3 || !name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
                // Never echo the entry: it may be a plain key.
                throw new ConfigException(KEYS, where + " is not " + FORMAT);
            }
            String hex = parts.get(2).trim().toLowerCase(Locale.ROOT);
            if (!parts.get(1).trim().equalsIgnoreCase("sha256") || !hex.matches("[0-9a-f]{64}")) {
                throw new ConfigException(KEYS, "the key named '" + name + "' (" + where + ") is not given as a SHA-256"
                        + " hash; plain keys are refused (the value is not repeated here). Write it as " + FORMAT);
            }
            if (hashes.containsKey(name)) {
                throw new ConfigException(KEYS, "the name '" + name + "' is given twice; each proxy key needs its own name");
            }
            if (hashes.containsValue(hex)) {
                throw new ConfigException(KEYS, "the key named '" + name + "' has the same hash as another name; give each"
                        + " caller its own key");
            }
            hashes.put(name, hex);
        }
        if (hashes.isEmpty()) {
            throw new ConfigException(KEYS, "holds no key; leave it unset to turn proxy keys off, or write " + FORMAT);
        }
        return new AuthConfig(hashes);
    }

    /**
     * With proxy keys on, the proxy authenticates upstream itself: every provider needs its server-side
     * {@code apiKey}, else the first one without it is named.
     */
    void requireServerKeys(ProvidersConfig providers) {
        if (!required()) {
            return;
        }
        List<String> missing = providers.table().stream().filter(p -> p.apiKey() == null).map(ProviderConfig::name).toList();
        if (!missing.isEmpty()) {
            throw new ConfigException(ConfigKeys.PROVIDER_API_KEY.of(missing.get(0)), "is missing, but " + KEYS
                    + " is set: with proxy keys the proxy sends each provider's own key, and providers " + missing
                    + " have none (a keyless upstream such as a local Ollama takes any placeholder value)");
        }
    }

    @Override
    public String toString() {
        return "AuthConfig[keys=" + keyHashes.keySet() + "]";
    }
}
