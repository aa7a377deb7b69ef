package dev.modelcache.launcher;

import dev.modelcache.config.ConfigException;
import dev.modelcache.config.ConfigKeys;
import dev.modelcache.config.ConfigReader;
import dev.modelcache.config.ProvidersConfig;
import dev.modelcache.config.Settings;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The launcher's settings layer for a laptop: a provider with no {@code apiKey} configured gets its key from the
 * conventional environment variable of its type ({@code OPENAI_API_KEY} for type {@code openai}, and so on), but
 * only when its base URL is that provider's own host, so the key never goes to another service. It says so in one
 * log line naming the variables (never a value), and a launcher that took a key this way listens on loopback only:
 * any other {@code host} stops the start. {@code launcher/envKeys=false} turns it off. Only the launcher adds this
 * layer; a WAR in a container never reads provider keys from the environment on its own.
 */
public final class EnvKeys implements UnaryOperator<Settings> {
    /** The switch, default true. */
    public static final String SWITCH = ConfigKeys.LAUNCHER_ENV_KEYS.key();
    /** Where a provider type's key is conventionally found, and the only host it is sent to. */
    public record Convention(String variable, String host) {
    }

    /** By provider type; a new type adds its row here. */
    public static final Map<String, Convention> CONVENTIONS = Map.of(
            "openai", new Convention("OPENAI_API_KEY", "api.openai.com"),
            "anthropic", new Convention("ANTHROPIC_API_KEY", "api.anthropic.com"),
            "gemini", new Convention("GEMINI_API_KEY", "generativelanguage.googleapis.com"));
    private static final Logger LOG = System.getLogger(EnvKeys.class.getName());

    private final Map<String, String> environment;
    private final String host;

    /** Keys from {@code environment} (variable to value), for a launcher bound to {@code host}. */
    public EnvKeys(Map<String, String> environment, String host) {
        this.environment = Map.copyOf(environment);
        this.host = host;
    }

    /** {@code settings} with the keys found in the environment as their lowest layer; fails on a non-loopback host. */
    @Override
    public Settings apply(Settings settings) {
        Map<String, String> keys = supplied(settings);
        if (keys.isEmpty()) {
            return settings;
        }
        List<String> from = keys.keySet().stream().map(key -> key + " from " + variableOf(settings, key)).toList();
        if (!ServerSettings.address(host).isLoopbackAddress()) {
            throw new ConfigException(ConfigKeys.HOST.key(), "is " + host + ", but the launcher took provider keys from the environment ("
                    + String.join(", ", from) + "), and then listens on loopback only: bind 127.0.0.1, or configure the"
                    + " keys (or set " + SWITCH + "=false)");
        }
        LOG.log(Level.INFO, "ModelCache launcher: " + String.join(", ", from) + " (environment); listening on loopback"
                + " only; " + SWITCH + "=false turns this off");
        return settings.withDefaults(keys);
    }

    /** {@code providers/<name>/apiKey} to its value, for each provider the environment supplies a key to. */
    Map<String, String> supplied(Settings settings) {
        Map<String, String> keys = new LinkedHashMap<>();
        if (!new ConfigReader(settings).flag(ConfigKeys.LAUNCHER_ENV_KEYS)) {
            return keys;
        }
        for (String name : settings.children("providers", ProvidersConfig.KEYS)) {
            Convention convention = CONVENTIONS.get(type(settings, name));
            String value = convention == null ? null : environment.get(convention.variable());
            String apiKey = ConfigKeys.PROVIDER_API_KEY.of(name);
            if (value != null && !value.isBlank() && settings.get(apiKey).isEmpty()
                    && convention.host().equalsIgnoreCase(host(settings.get(ConfigKeys.PROVIDER_BASE_URL.of(name)).orElse("")))) {
                keys.put(apiKey, value.trim());
            }
        }
        return keys;
    }

    private static String variableOf(Settings settings, String apiKey) {
        return CONVENTIONS.get(type(settings, apiKey.split("/")[1])).variable();
    }

    private static String type(Settings settings, String provider) {
        return settings.get(ConfigKeys.PROVIDER_TYPE.of(provider)).orElse(ConfigKeys.PROVIDER_TYPE.defaultValue())
                .toLowerCase(Locale.ROOT);
    }

    private static String host(String url) {
        try {
            String found = URI.create(url.trim()).getHost();
            return found == null ? "" : found;
        } catch (IllegalArgumentException e) {
            return "";
        }
    }
}
