package dev.modelcache.cache;

import dev.modelcache.http.Exchange;
import java.util.List;

/**
 * What the cache asks of the provider serving a request, and nothing more: its name, the model a request asks for,
 * the caller's credential (only ever hashed), the request headers that change its answers, and the paths whose
 * requests change server-side state. The provider adapter ({@code provider.ModelProvider}) extends it, so the
 * providers know the cache and the cache never imports them.
 */
public interface ProviderFacts {
    /** The name in the provider table. */
    String name();

    /** The model a request asks for, or null. */
    String model(Exchange exchange);

    /** True for a path whose requests create or change server-side state: never cached. */
    boolean isStateful(String path);

    /** The caller's credential for a whole request as sent, or an empty string. */
    String credential(Exchange exchange);

    /** Request header fields that change the answer, so they are part of the cache key. */
    List<String> varyHeaders();
}
