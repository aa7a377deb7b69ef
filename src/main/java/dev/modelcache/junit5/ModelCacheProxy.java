package dev.modelcache.junit5;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The proxy a test talks to, as a test method, constructor or lifecycle method parameter: its base URLs carry the
 * test's namespace in the path ({@code /_ns/<namespace>}), so an SDK pointed at one needs no header.
 *
 * <pre>{@code
 * @ModelCacheTest
 * class ChatTest {
 *     @Test
 *     void saysHi(ModelCacheProxy proxy) {
 *         OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl(proxy.openAiBaseUrl()).apiKey("replay").build();
 *         ...
 *     }
 * }
 * }</pre>
 */
public final class ModelCacheProxy {
    private final String root;
    private final String namespace;
    private final Mode mode;
    private final Path cassetteFolder;

    /**
     * @param root           the proxy's root URL, {@code http://127.0.0.1:<port>}, without a trailing slash
     * @param namespace      the namespace the test's requests are recorded in
     * @param mode           the mode, resolved (never {@link Mode#DEFAULT})
     * @param cassetteFolder the cassette folder (all namespaces)
     */
    ModelCacheProxy(String root, String namespace, Mode mode, Path cassetteFolder) {
        this.root = Objects.requireNonNull(root);
        this.namespace = Objects.requireNonNull(namespace);
        this.mode = Objects.requireNonNull(mode);
        this.cassetteFolder = Objects.requireNonNull(cassetteFolder);
    }

    /**
     * The proxy's root with the namespace, {@code http://127.0.0.1:<port>/_ns/<namespace>}: the base URL for an
     * SDK that adds the API's whole path itself (Anthropic's, Google's GenAI), or for raw HTTP
     * ({@code baseUrl() + "/v1/chat/completions"}).
     */
    public String baseUrl() {
        return root + "/_ns/" + namespace;
    }

    /** {@code baseUrl() + "/v1"}: for OpenAI's SDKs and the OpenAI-compatible clients (LangChain4j, Spring AI). */
    public String openAiBaseUrl() {
        return baseUrl() + "/v1";
    }

    /** {@code baseUrl()}: Anthropic's SDKs add {@code /v1/messages} themselves. */
    public String anthropicBaseUrl() {
        return baseUrl();
    }

    /** {@code baseUrl()}: Google's GenAI SDKs add {@code /v1beta/models/...} themselves. */
    public String geminiBaseUrl() {
        return baseUrl();
    }

    /** {@code baseUrl()}: Ollama's clients add {@code /api/chat} themselves. */
    public String ollamaBaseUrl() {
        return baseUrl();
    }

    /** The namespace of the test's recordings (the cassettes' subfolder). */
    public String namespace() {
        return namespace;
    }

    /** The mode the proxy runs in, resolved from {@link Mode#DEFAULT} when the annotation left it so. */
    public Mode mode() {
        return mode;
    }

    /** The cassette folder (all namespaces; this test's are in {@code cassetteFolder().resolve(namespace())}). */
    public Path cassetteFolder() {
        return cassetteFolder;
    }

    /** The proxy's root URL without the namespace, {@code http://127.0.0.1:<port>} (its admin endpoints are below). */
    public String rootUrl() {
        return root;
    }

    @Override
    public String toString() {
        return "ModelCacheProxy[" + baseUrl() + ", " + mode + ", " + cassetteFolder + "]";
    }
}
