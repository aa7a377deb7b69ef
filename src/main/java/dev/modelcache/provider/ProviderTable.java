package dev.modelcache.provider;

import dev.modelcache.config.Config;
import dev.modelcache.config.ProviderConfig;
import dev.modelcache.http.ProxyError;
import dev.modelcache.tokens.TokenCounter;
import java.util.ArrayList;
import java.util.List;

/**
 * Which provider answers a request: the first provider, in table order, whose globs claim the request's model;
 * requests without a model ({@code GET /v1/models}) go to the default provider. A pure lookup.
 */
public final class ProviderTable {
    private final List<ModelProvider> providers;
    private final ModelProvider defaultProvider;

    public ProviderTable(List<ModelProvider> providers, String defaultProvider) {
        this.providers = List.copyOf(providers);
        this.defaultProvider = this.providers.stream().filter(p -> p.name().equals(defaultProvider)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no provider named " + defaultProvider));
    }

    /** Builds one provider per configured row; the row's {@code type} picks the implementation. */
    public static ProviderTable create(Config config, TokenCounter tokens) {
        List<ModelProvider> providers = new ArrayList<>();
        for (ProviderConfig row : config.providers().table()) {
            providers.add(newProvider(row, tokens));
        }
        return new ProviderTable(providers, config.providers().defaultProvider());
    }

    static ModelProvider newProvider(ProviderConfig row, TokenCounter tokens) {
        return switch (row.type()) {
            case "openai" -> new OpenAiProvider(row, tokens);
            default -> throw new IllegalArgumentException("unknown provider type " + row.type());
        };
    }

    /** The provider for a model; null or blank means the default provider. Fails with 400 when nobody claims it. */
    public ModelProvider resolve(String model) {
        if (model == null || model.isBlank()) {
            return defaultProvider;
        }
        for (ModelProvider provider : providers) {
            if (provider.claims(model)) {
                return provider;
            }
        }
        throw ProxyError.badRequest("model_not_found", "The model '" + model
                + "' is not served by any provider configured in this proxy. Add a glob that matches it to "
                + "modelcache providers/<name>/models.");
    }

    public List<ModelProvider> providers() {
        return providers;
    }

    public ModelProvider defaultProvider() {
        return defaultProvider;
    }
}
