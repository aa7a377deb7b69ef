package dev.modelcache.config;

/** A configuration value that cannot be used. The message always names the key, so that startup fails with a line an operator can act on. */
public final class ConfigException extends RuntimeException {
    private final String key;

    public ConfigException(String key, String problem) {
        super("modelcache configuration key '" + key + "': " + problem
                + " (set it as JNDI java:comp/env/modelcache/" + key
                + ", system property " + Settings.systemPropertyName(key)
                + " or environment variable " + Settings.environmentName(key) + ")");
        this.key = key;
    }

    public String key() {
        return key;
    }
}
