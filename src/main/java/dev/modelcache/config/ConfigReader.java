package dev.modelcache.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Typed reading of raw {@link Settings} by their {@link ConfigKeys} entry, whose default applies when a key is unset:
 * each reader fails with a {@link ConfigException} that names the key. The configuration groups use it, and so do
 * the launchers for their own connector keys.
 */
public final class ConfigReader {
    private final Settings settings;

    public ConfigReader(Settings settings) {
        this.settings = settings;
    }

    Settings settings() {
        return settings;
    }

    Optional<String> text(ConfigKeys key) {
        return settings.get(key);
    }

    /** A provider row's key, such as {@code providers/groq/baseUrl} (registered as a templated entry). */
    Optional<String> text(String concreteKey) {
        return settings.get(concreteKey);
    }

    /** The value, or the registry's default when unset. */
    String textOrDefault(ConfigKeys key) {
        return settings.get(key).orElse(key.defaultValue());
    }

    /** A whole number in {@code [min, max]}; unset, the registry's default. */
    public long number(ConfigKeys key, long min, long max) {
        String raw = settings.get(key).orElse(null);
        if (raw == null) {
            return Long.parseLong(defaultOf(key));
        }
        long value;
        try {
            value = Long.parseLong(raw.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new ConfigException(key.key(), "'" + raw + "' is not a whole number");
        }
        if (value < min || value > max) {
            throw new ConfigException(key.key(), value + " is out of range [" + min + ", " + max + "]");
        }
        return value;
    }

    /** {@code true}/{@code false} (also yes/no, on/off, 1/0); unset, the registry's default. */
    public boolean flag(ConfigKeys key) {
        String raw = settings.get(key).orElse(defaultOf(key));
        switch (raw.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "true", "yes", "on", "1" -> {
                return true;
            }
            case "false", "no", "off", "0" -> {
                return false;
            }
            default -> throw new ConfigException(key.key(), "'" + raw + "' is not true or false");
        }
    }

    Duration seconds(ConfigKeys key, long min, long max) {
        return Duration.ofSeconds(number(key, min, max));
    }

    /** A path ({@code ~/} is the user's home); unset, {@code defaultValue}, which the registry cannot hold (computed). */
    public Path path(ConfigKeys key, Path defaultValue) {
        String raw = settings.get(key).orElse(null);
        if (raw == null) {
            return defaultValue;
        }
        try {
            return Path.of(raw.startsWith("~/") ? System.getProperty("user.home") + raw.substring(1) : raw);
        } catch (InvalidPathException e) {
            throw new ConfigException(key.key(), "'" + raw + "' is not a usable path");
        }
    }

    private static String defaultOf(ConfigKeys key) {
        if (key.defaultValue() == null) {
            throw new IllegalStateException(key.key() + " has no default in ConfigKeys, so it cannot be read as unset");
        }
        return key.defaultValue();
    }
}
