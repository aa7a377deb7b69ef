package dev.modelcache.provider;

import dev.modelcache.config.ProviderConfig;
import dev.modelcache.tokens.TokenCounter;
import java.net.URI;

/**
 * What every provider type shares: its row of the provider table ({@code providers/<name>/...}), the globs of the
 * models it serves, and the token counter for answers that carry no usage of their own.
 */
abstract class TableEntry implements ModelProvider {
    protected final ProviderConfig config;
    protected final ModelPattern models;
    protected final TokenCounter tokens;

    TableEntry(ProviderConfig config, TokenCounter tokens) {
        this.config = config;
        this.models = new ModelPattern(config.models());
        this.tokens = tokens;
    }

    @Override
    public String name() {
        return config.name();
    }

    @Override
    public URI baseUrl() {
        return config.baseUrl();
    }

    /** True when one of this entry's globs matches the model (for Azure: the deployment). */
    @Override
    public boolean claims(String model) {
        return models.matches(model);
    }
}
