package dev.modelcache.junit5;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The system properties the official SDKs read for their base URL and key ({@code OpenAIOkHttpClient.fromEnv()},
 * {@code AnthropicOkHttpClient.fromEnv()}), set for a class's (or a method's) duration and restored after. In replay
 * a placeholder key is set when the run has none, since the SDKs insist on one and the proxy never calls out.
 * Google's GenAI SDK reads its base URL from the environment only ({@code GOOGLE_GEMINI_BASE_URL}), which a running
 * JVM cannot change: it takes {@link ModelCacheProxy#geminiBaseUrl()}.
 */
final class SdkProperties {
    static final String OPENAI_BASE_URL = "openai.baseUrl";
    static final String ANTHROPIC_BASE_URL = "anthropic.baseUrl";
    static final String PLACEHOLDER_KEY = "modelcache-replay";

    private final Map<String, String> previous = new LinkedHashMap<>();

    private SdkProperties() {
    }

    /** Sets the properties for {@code proxy}; the returned object restores what was there before. */
    static SdkProperties set(ModelCacheProxy proxy) {
        SdkProperties set = new SdkProperties();
        set.put(OPENAI_BASE_URL, proxy.openAiBaseUrl());
        set.put(ANTHROPIC_BASE_URL, proxy.anthropicBaseUrl());
        if (proxy.mode() == Mode.REPLAY) {
            set.placeholder("openai.apiKey", "OPENAI_API_KEY");
            set.placeholder("anthropic.apiKey", "ANTHROPIC_API_KEY");
        }
        return set;
    }

    private void placeholder(String property, String variable) {
        if (System.getProperty(property) == null && System.getenv(variable) == null) {
            put(property, PLACEHOLDER_KEY);
        }
    }

    private void put(String name, String value) {
        previous.put(name, System.getProperty(name));
        System.setProperty(name, value);
    }

    /** Puts back what each property held before (or clears it). */
    void restore() {
        previous.forEach((name, value) -> {
            if (value == null) {
                System.clearProperty(name);
            } else {
                System.setProperty(name, value);
            }
        });
        previous.clear();
    }
}
