package dev.modelcache.junit5sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.modelcache.junit5.ModelCacheExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A Spring Boot test of a Spring AI {@link ChatClient}, auto-configured by Spring AI's OpenAI starter: the extension
 * starts the proxy before Spring builds the context, and {@code @DynamicPropertySource} points
 * {@code spring.ai.openai.base-url} at it (the root with the namespace: Spring AI adds {@code /v1/chat/completions}).
 * Spring AI retries a 5xx ten times with back-off by default, a replay miss (504) included: one attempt makes a miss
 * fail at once. {@code @DirtiesContext}: the IT runs this class once per mode, each time with a new proxy, and
 * Spring would otherwise keep the first context (and its URL). Run by {@link SdksInEveryModeIT}.
 */
@SpringBootTest(classes = SpringAiScenario.App.class, webEnvironment = SpringBootTest.WebEnvironment.NONE)
@DirtiesContext
class SpringAiScenario {
    static {
        // Spring Boot would otherwise reconfigure java.util.logging, which the proxy's other tests in this JVM read.
        System.setProperty("org.springframework.boot.logging.LoggingSystem", "none");
    }

    @RegisterExtension
    static final ModelCacheExtension MODELCACHE = Rig.MODES.extension().build();

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {
    }

    @DynamicPropertySource
    static void modelCache(DynamicPropertyRegistry registry) {
        registry.add("spring.ai.openai.base-url", () -> System.getProperty("openai.baseUrl").replaceFirst("/v1$", ""));
        registry.add("spring.ai.openai.api-key", () -> "sk-placeholder");
        registry.add("spring.ai.openai.chat.options.model", () -> "gpt-4o-mini");
        registry.add("spring.ai.retry.max-attempts", () -> "1");
    }

    @Autowired
    ChatClient.Builder chat;

    @Test
    void aChatClientCall() {
        assertEquals("Echo: Say hi", chat.build().prompt().user("Say hi").call().content());
    }
}
