package dev.modelcache.provider;

import dev.modelcache.config.ConfigException;
import dev.modelcache.config.ConfigKeys;
import dev.modelcache.config.ProviderConfig;
import dev.modelcache.tokens.TokenCounter;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The provider types this build knows, {@code providers/<name>/type}: each type's name and the factory of its
 * adapter. It is the one list of types: the configuration is checked against it when the table is built, and the
 * table is built with it. A new provider type is one adapter and one line here.
 */
public final class ProviderTypes {
    /** Builds the adapter of one configured row. */
    @FunctionalInterface
    public interface Factory {
        ModelProvider create(ProviderConfig row, TokenCounter tokens);
    }

    private static final Map<String, Factory> TYPES = Map.of(
            "openai", OpenAiProvider::new,
            "anthropic", AnthropicProvider::new,
            "gemini", GeminiProvider::new,
            "ollama", OllamaProvider::new,
            "azure", AzureProvider::new);

    private ProviderTypes() {
    }

    /** The type names, sorted. */
    public static Set<String> names() {
        return new TreeMap<>(TYPES).keySet();
    }

    /** The adapter for a row; a type this build does not know fails naming {@code providers/<name>/type}. */
    public static ModelProvider create(ProviderConfig row, TokenCounter tokens) {
        Factory factory = TYPES.get(row.type());
        if (factory == null) {
            throw new ConfigException(ConfigKeys.PROVIDER_TYPE.of(row.name()), "'" + row.type()
                    + "' is not a known provider type " + names());
        }
        return factory.create(row, tokens);
    }
}
