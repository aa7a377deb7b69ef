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

    Duration seconds(String key, long defaultSeconds, long min, long max) {
        return Duration.ofSeconds(number(key, defaultSeconds, min, max));
    }

    Path path(String key, Path defaultValue) {
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
