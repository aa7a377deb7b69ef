package dev.modelcache.http;

/**
 * How the proxy's own errors are written for the API a request spoke, so that the caller's SDK reads them as it reads
 * that provider's errors. {@link #OPENAI} is the default; a provider adapter supplies its own shape for the paths
 * it owns.
 */
@FunctionalInterface
public interface ErrorShape {
    /** OpenAI's shape: {@code {"error":{"message":"...","type":"...","param":null,"code":"..."}}}. */
    ErrorShape OPENAI = ProxyError::body;

    /** The response body for the error (UTF-8 JSON, ending in a newline); never a credential. */
    byte[] render(ProxyError error);
}
