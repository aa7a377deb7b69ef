package dev.modelcache.provider;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelcache.config.ProviderConfig;
import dev.modelcache.tokens.TokenCounter;
import dev.modelcache.tokens.Usage;
import java.net.URI;
import java.util.List;

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

    /** Token counts of a JSON answer: its own {@code usage} when it has one, else counted with the model's encoding. */
    @Override
    public Usage usage(JsonNode request, JsonNode response) {
        return tokens.countResponse(request, response);
    }

    /** Token counts of a stream: its usage event when it has one, else counted from the events' text. */
    @Override
    public Usage streamUsage(JsonNode request, List<String> dataPayloads) {
        return tokens.countStream(request, dataPayloads);
    }

    /** For the startup log: type, name, base URL (without secrets) and globs. */
    @Override
    public String toString() {
        return config.type() + " provider '" + name() + "' at " + ProviderConfig.redacted(baseUrl()) + " for " + models;
    }

    /** True when one of this entry's globs matches the model (for Azure: the deployment). */
    @Override
    public boolean claims(String model) {
        return models.matches(model);
    }
}
