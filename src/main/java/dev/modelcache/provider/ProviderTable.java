package dev.modelcache.provider;

import dev.modelcache.config.Config;
import dev.modelcache.config.ConfigException;
import dev.modelcache.config.ConfigKeys;
import dev.modelcache.config.ProviderConfig;
import dev.modelcache.http.ErrorShape;
import dev.modelcache.http.Exchange;
import dev.modelcache.http.ProxyError;
import dev.modelcache.tokens.TokenCounter;
import java.util.ArrayList;
import java.util.List;

/**
 * Which provider answers a request: the provider whose globs claim the request's model (no two rows claim the same
 * model: overlapping globs are refused when the table is built); requests without a model ({@code GET /v1/models})
 * go to the default provider. A pure lookup.
 */
public final class ProviderTable {
    private final List<ModelProvider> providers;
    private final ModelProvider defaultProvider;

    public ProviderTable(List<ModelProvider> providers, String defaultProvider) {
        this.providers = List.copyOf(providers);
        this.defaultProvider = this.providers.stream().filter(p -> p.name().equals(defaultProvider)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no provider named " + defaultProvider));
    }

    /**
     * Builds one provider per configured row, the row's {@code type} picking the adapter ({@link ProviderTypes}).
     * A type this build does not know, or two rows whose model globs could both claim one model
     * ({@link GlobOverlap}), fail with a {@link ConfigException} naming the keys.
     */
    public static ProviderTable create(Config config, TokenCounter tokens) {
        List<ProviderConfig> rows = config.providers().table();
        refuseOverlaps(rows);
        List<ModelProvider> providers = new ArrayList<>();
        for (ProviderConfig row : rows) {
            providers.add(newProvider(row, tokens));
        }
        return new ProviderTable(providers, config.providers().defaultProvider());
    }

    static ModelProvider newProvider(ProviderConfig row, TokenCounter tokens) {
        return ProviderTypes.create(row, tokens);
    }

    /** A model is claimed by one row at most, so that the table's order never decides where a request goes. */
    static void refuseOverlaps(List<ProviderConfig> rows) {
        for (int i = 0; i < rows.size(); i++) {
            for (int j = i + 1; j < rows.size(); j++) {
                ProviderConfig a = rows.get(i);
                ProviderConfig b = rows.get(j);
                List<String> pair = GlobOverlap.firstOverlap(a.models(), b.models());
                if (pair != null) {
                    throw new ConfigException(ConfigKeys.PROVIDER_MODELS.of(a.name()), "glob '" + pair.get(0)
                            + "' overlaps glob '" + pair.get(1) + "' of " + ConfigKeys.PROVIDER_MODELS.of(b.name())
                            + ": a model both match would have two providers. Narrow one of them.");
                }
            }
        }
    }

    /**
     * The provider for a request: the one whose globs claim the model it names (each adapter says where its API
     * names the model); without a model, the first provider that serves it so ({@code /v1/messages/batches}, or a
     * {@code GET /v1/models} with {@code anthropic-version}, is Anthropic's), else the default provider. Fails with
     * 400 when nobody claims the model.
     */
    public ModelProvider resolve(Exchange exchange) {
        String named = null;
        for (ModelProvider provider : providers) {
            String model = provider.model(exchange);
            if (model != null && provider.claims(model)) {
                return provider;
            }
            named = named == null ? model : named;
        }
        if (named != null) {
            return resolve(named);
        }
        for (ModelProvider provider : providers) {
            if (provider.servesWithoutModel(exchange)) {
                return provider;
            }
        }
        return defaultProvider;
    }

    /**
     * The shape of the proxy's own errors on a path: that of the first provider owning the path, else OpenAI's
     * (the default, also for the compatible hosts).
     */
    public ErrorShape errorShape(String path) {
        for (ModelProvider provider : providers) {
            if (provider.ownsPath(path)) {
                return provider.errorShape(path);
            }
        }
        return ErrorShape.OPENAI;
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
