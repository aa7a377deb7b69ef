package dev.modelcache.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The provider table, {@code providers/<name>/...}, and {@code defaultProvider}, which must name one of its rows.
 * A base URL's value is never repeated in an error: it may carry a credential. Whether a row's {@code type} is one
 * this build knows is checked where the adapters are made ({@code dev.modelcache.provider.ProviderTypes}), which is
 * the one list of types, when the application starts.
 */
public record ProvidersConfig(String defaultProvider, List<ProviderConfig> table) {
    public static final String DEFAULT_PROVIDER = "openai";
    /** The keys of one provider's block, {@code providers/<name>/<key>}. */
    public static final Set<String> KEYS = ConfigKeys.providerFields();

    public ProvidersConfig {
        table = List.copyOf(table);
    }

    public ProviderConfig provider(String name) {
        return table.stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow();
    }

    static ProvidersConfig read(ConfigReader r) {
        String defaultProvider = r.textOrDefault(ConfigKeys.DEFAULT_PROVIDER);
        List<ProviderConfig> table = new ArrayList<>();
        for (String name : r.settings().children("providers", KEYS)) {
            table.add(row(r, name));
        }
        if (table.stream().noneMatch(p -> p.name().equals(defaultProvider))) {
            throw new ConfigException(ConfigKeys.DEFAULT_PROVIDER.key(), "names provider '" + defaultProvider
                    + "', but the provider table has " + table.stream().map(ProviderConfig::name).toList()
                    + " (define " + ConfigKeys.PROVIDER_BASE_URL.of(defaultProvider) + ")");
        }
        return new ProvidersConfig(defaultProvider, table);
    }

    private static ProviderConfig row(ConfigReader r, String name) {
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9_-]*")) {
            throw new ConfigException(ConfigKeys.PROVIDER_TYPE.of(name), "provider name '" + name + "' may hold only letters, digits, '-' and '_'");
        }
        String type = r.text(ConfigKeys.PROVIDER_TYPE.of(name)).orElse(ConfigKeys.PROVIDER_TYPE.defaultValue())
                .toLowerCase(Locale.ROOT);
        URI baseUrl = baseUrl(r, ConfigKeys.PROVIDER_BASE_URL.of(name));
        String modelsKey = ConfigKeys.PROVIDER_MODELS.of(name);
        List<String> models = Arrays.stream(r.text(modelsKey).orElse(ConfigKeys.PROVIDER_MODELS.defaultValue()).split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).toList();
        for (String glob : models) {
            if (!glob.matches("[A-Za-z0-9._:/@*?-]+")) {
                throw new ConfigException(modelsKey, "'" + glob + "' is not a model glob (letters, digits, . _ : / @ - and the wildcards * ?)");
            }
        }
        return new ProviderConfig(name, type, baseUrl, models, r.text(ConfigKeys.PROVIDER_API_KEY.of(name)).orElse(null));
    }

    private static URI baseUrl(ConfigReader r, String key) {
        String raw = r.text(key).orElseThrow(() -> new ConfigException(key, "is missing: every provider needs a base URL"));
        URI url;
        try {
            url = new URI(raw.endsWith("/") ? raw.substring(0, raw.length() - 1) : raw);
        } catch (URISyntaxException e) {
            throw new ConfigException(key, "is not a URL (the value is not repeated here, as it may hold a credential)");
        }
        if (url.getRawUserInfo() != null) {
            throw new ConfigException(key, "must not carry user information ('user:password@'): put the provider's key in "
                    + ConfigKeys.PROVIDER_API_KEY.of(key.split("/")[1]));
        }
        String scheme = url.getScheme();
        if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
                || url.getHost() == null || url.getRawQuery() != null || url.getRawFragment() != null) {
            throw new ConfigException(key, "'" + url.getScheme() + "://" + url.getRawAuthority() + "…' must be an http(s) URL"
                    + " with a host and no query or fragment");
        }
        return url;
    }
}
