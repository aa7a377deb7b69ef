package dev.modelcache.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Typed reading of raw {@link Settings}: each reader fails with a {@link ConfigException} that names the key. The
 * configuration groups use it, and so do the launchers for their own connector keys.
 */
public final class ConfigReader {
    private final Settings settings;

    public ConfigReader(Settings settings) {
        this.settings = settings;
    }

    Settings settings() {
        return settings;
    }

    Optional<String> text(String key) {
        return settings.get(key);
    }

    public long number(String key, long defaultValue, long min, long max) {
        String raw = settings.get(key).orElse(null);
        if (raw == null) {
            return defaultValue;
        }
        long value;
        try {
            value = Long.parseLong(raw.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new ConfigException(key, "'" + raw + "' is not a whole number");
        }
        if (value < min || value > max) {
            throw new ConfigException(key, value + " is out of range [" + min + ", " + max + "]");
        }
        return value;
    }

    /** {@code true}/{@code false} (also yes/no, on/off, 1/0), or {@code defaultValue} when unset. */
    public boolean flag(String key, boolean defaultValue) {
        String raw = settings.get(key).orElse(null);
        if (raw == null) {
            return defaultValue;
        }
        switch (raw.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "true", "yes", "on", "1" -> {
                return true;
            }
            case "false", "no", "off", "0" -> {
                return false;
            }
            default -> throw new ConfigException(key, "'" + raw + "' is not true or false");
        }
    }

    Duration seconds(String key, long defaultSeconds, long min, long max) {
        return Duration.ofSeconds(number(key, defaultSeconds, min, max));
    }

    public Path path(String key, Path defaultValue) {
        String raw = settings.get(key).orElse(null);
        if (raw == null) {
            return defaultValue;
        }
        try {
            return Path.of(raw.startsWith("~/") ? System.getProperty("user.home") + raw.substring(1) : raw);
        } catch (InvalidPathException e) {
            throw new ConfigException(key, "'" + raw + "' is not a usable path");
        }
    }
}
