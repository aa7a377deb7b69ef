package dev.modelcache.config;

import java.util.Optional;

/**
 * A configuration value that cannot be used. The message always names the key, so that startup fails with a line an
 * operator can act on; it is one line, and the launchers print it without a stack trace. Its "set it as ..." hint
 * names only the ways that reach the key: a launcher-only key ({@code port}, {@code host}) has no JNDI name, since no
 * container reads it.
 */
public final class ConfigException extends RuntimeException {
    private final String key;

    public ConfigException(String key, String problem) {
        this(key, "modelcache configuration key '" + key + "': " + problem + hint(key), true);
    }

    private ConfigException(String key, String message, boolean composed) {
        super(message);
        this.key = key;
    }

    /** A complete message about {@code name}, which need not be a registered key (an unknown setting's name). */
    static ConfigException withMessage(String name, String message) {
        return new ConfigException(name, message, true);
    }

    public String key() {
        return key;
    }

    /** How {@code key} can be set, by the registry's scope; empty for a name the registry does not know. */
    static String hint(String key) {
        Optional<ConfigKeys> entry = ConfigKeys.find(key);
        if (entry.isEmpty()) {
            return "";
        }
        String launcherWays = "system property " + Settings.systemPropertyName(key)
                + " or environment variable " + Settings.environmentName(key);
        return entry.get().appliesToWebapp()
                ? " (set it as JNDI java:comp/env/modelcache/" + key + ", " + launcherWays + ")"
                : " (set it as " + launcherWays + "; only the launchers read it, a container decides it itself)";
    }
}
