package dev.modelcache.junit5sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openai.client.okhttp.OpenAIOkHttpClient;
import dev.modelcache.junit5.ModelCacheExtension;
import dev.modelcache.junit5.ModelCacheProxy;
import dev.modelcache.junit5.SdkPropertiesLock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * Test classes that JUnit runs at the same time ({@code @Execution(CONCURRENT)}), run by {@link ParallelClassesIT}.
 * {@link Left} and {@link Right} take their URL from {@link ModelCacheProxy} and set no system property, so nothing
 * keeps them apart: each waits at a barrier until the other has started (which proves they overlap), then asks its
 * own question in its own namespace. {@link PropertiesLeft} and {@link PropertiesRight} use the SDK's
 * {@code fromEnv()} and so the global {@code openai.baseUrl}: the extension's lock keeps them apart.
 */
final class ParallelScenarios {
    /** Both classes of a pair have reached it: they run at once. */
    static final CyclicBarrier BOTH_STARTED = new CyclicBarrier(2);
    /** The proxy each class was given, by namespace: one child process serves them all. */
    static final Map<String, String> ROOTS = new ConcurrentHashMap<>();

    private ParallelScenarios() {
    }

    static String ask(String baseUrl, String prompt) {
        return OpenAiSdkScenario.answer(OpenAIOkHttpClient.builder().baseUrl(baseUrl).apiKey("sk-placeholder"),
                OpenAiSdkScenario.ask(prompt));
    }

    static void askAtOnce(ModelCacheProxy proxy, String prompt) throws Exception {
        BOTH_STARTED.await(60, TimeUnit.SECONDS);
        ROOTS.put(proxy.namespace(), proxy.rootUrl());
        assertEquals("Echo: " + prompt, ask(proxy.openAiBaseUrl(), prompt));
    }

    static void askThroughTheProperty(ModelCacheProxy proxy, String prompt) {
        ROOTS.put(proxy.namespace(), proxy.rootUrl());
        assertEquals(proxy.openAiBaseUrl(), System.getProperty("openai.baseUrl"));
        assertEquals("Echo: " + prompt, OpenAiSdkScenario.answer(OpenAIOkHttpClient.builder().fromEnv()
                .apiKey("sk-placeholder"), OpenAiSdkScenario.ask(prompt)));
        assertEquals(proxy.openAiBaseUrl(), System.getProperty("openai.baseUrl"), "no other class changed it meanwhile");
    }

    @Execution(ExecutionMode.CONCURRENT)
    static class Left {
        @RegisterExtension
        static final ModelCacheExtension MODELCACHE = Rig.PARALLEL.extension().sdkProperties(false).build();

        @Test
        void asksLeft(ModelCacheProxy proxy) throws Exception {
            assertTrue(proxy.baseUrl().endsWith("/_ns/ParallelScenarios.Left"), proxy.baseUrl());
            askAtOnce(proxy, "I am left");
        }
    }

    @Execution(ExecutionMode.CONCURRENT)
    static class Right {
        @RegisterExtension
        static final ModelCacheExtension MODELCACHE = Rig.PARALLEL.extension().sdkProperties(false).build();

        @Test
        void asksRight(ModelCacheProxy proxy) throws Exception {
            assertTrue(proxy.baseUrl().endsWith("/_ns/ParallelScenarios.Right"), proxy.baseUrl());
            askAtOnce(proxy, "I am right");
        }
    }

    @Execution(ExecutionMode.CONCURRENT)
    @ResourceLock(SdkPropertiesLock.KEY)
    static class PropertiesLeft {
        @RegisterExtension
        static final ModelCacheExtension MODELCACHE = Rig.PARALLEL.extension().build();

        @Test
        void asksLeft(ModelCacheProxy proxy) {
            askThroughTheProperty(proxy, "Left, through the property");
        }
    }

    @Execution(ExecutionMode.CONCURRENT)
    @ResourceLock(SdkPropertiesLock.KEY)
    static class PropertiesRight {
        @RegisterExtension
        static final ModelCacheExtension MODELCACHE = Rig.PARALLEL.extension().build();

        @Test
        void asksRight(ModelCacheProxy proxy) {
            askThroughTheProperty(proxy, "Right, through the property");
        }
    }
}
