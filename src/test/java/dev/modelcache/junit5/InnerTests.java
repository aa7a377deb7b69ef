package dev.modelcache.junit5;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Test classes that use the extension, run by {@link ModelCacheExtensionIT} through JUnit's Launcher (never by the
 * build itself: they are enabled only while an outer test runs them). One class per mode and step, since each reads
 * its configuration when it is first loaded.
 */
final class InnerTests {
    private InnerTests() {
    }

    /** Two tests: one request, and one request sent twice (a sequence: two answers). */
    @EnabledIf("dev.modelcache.junit5.Scenario#active")
    abstract static class Chat {
        @Test
        void saysHi(ModelCacheProxy proxy) throws Exception {
            HttpResponse<String> answer = Scenario.chat(proxy, "Say hi", "0");
            assertEquals(200, answer.statusCode(), answer.body());
            Scenario.answers.put("saysHi", Scenario.content(answer));
        }

        @Test
        void asksTwice(ModelCacheProxy proxy) throws Exception {
            HttpResponse<String> first = Scenario.chat(proxy, "Again", "0");
            HttpResponse<String> second = Scenario.chat(proxy, "Again", "0");
            assertEquals(200, first.statusCode(), first.body());
            assertEquals(200, second.statusCode(), second.body());
            Scenario.answers.put("asksTwice", Scenario.content(first) + " | " + Scenario.content(second));
        }
    }

    @EnabledIf("dev.modelcache.junit5.Scenario#active")
    static final class ChatAuto extends Chat {
        @RegisterExtension
        static final ModelCacheExtension MODEL_CACHE = Scenario.extension(Mode.AUTO);
    }

    /** {@link ChatAuto} again, for another scenario (a class reads its configuration once). */
    @EnabledIf("dev.modelcache.junit5.Scenario#active")
    static final class ChatAutoAgain extends Chat {
        @RegisterExtension
        static final ModelCacheExtension MODEL_CACHE = Scenario.extension(Mode.AUTO);
    }

    @EnabledIf("dev.modelcache.junit5.Scenario#active")
    static final class ChatReplay extends Chat {
        @RegisterExtension
        static final ModelCacheExtension MODEL_CACHE = Scenario.extension(Mode.REPLAY);
    }

    @EnabledIf("dev.modelcache.junit5.Scenario#active")
    static final class ChatRecord extends Chat {
        @RegisterExtension
        static final ModelCacheExtension MODEL_CACHE = Scenario.extension(Mode.RECORD);
    }

    @EnabledIf("dev.modelcache.junit5.Scenario#active")
    static final class ChatRecordAgain extends Chat {
        @RegisterExtension
        static final ModelCacheExtension MODEL_CACHE = Scenario.extension(Mode.RECORD);
    }

    @EnabledIf("dev.modelcache.junit5.Scenario#active")
    static final class ChatOff extends Chat {
        @RegisterExtension
        static final ModelCacheExtension MODEL_CACHE = Scenario.extension(Mode.OFF);
    }

    /** Replays the recordings of {@link Chat} with requests that differ from them. */
    @EnabledIf("dev.modelcache.junit5.Scenario#active")
    static final class ChatMisses {
        @RegisterExtension
        static final ModelCacheExtension MODEL_CACHE = Scenario.extension(Mode.REPLAY);

        /** Takes the 504 in its stride: the extension fails the test after it. */
        @Test
        void ignoresTheMiss(ModelCacheProxy proxy) throws Exception {
            Scenario.answers.put("ignoresTheMiss", String.valueOf(Scenario.chat(proxy, "Say hi", "0.7").statusCode()));
        }

        /** Fails on the 504 as an SDK would, with its own exception. */
        @Test
        void throwsOnTheMiss(ModelCacheProxy proxy) throws Exception {
            HttpResponse<String> answer = Scenario.chat(proxy, "Say hi", "0.2");
            if (answer.statusCode() != 200) {
                throw new IllegalStateException("the SDK's own exception: 504 from the proxy");
            }
        }

        /** Hits: no failure. */
        @Test
        void hits(ModelCacheProxy proxy) throws Exception {
            assertEquals(200, Scenario.chat(proxy, "Say hi", "0").statusCode());
        }
    }

    /**
     * Says which proxy it runs beside ({@code modelcache-proxy-pid=<pid>} on standard output), then waits to be
     * killed: the JVM {@link KillMain} starts for {@link ModelCacheExtensionIT}.
     */
    @EnabledIf("dev.modelcache.junit5.Scenario#active")
    static final class WaitsToBeKilled {
        @RegisterExtension
        static final ModelCacheExtension MODEL_CACHE = ModelCacheExtension.builder().mode(Mode.OFF)
                .namespace("Killed").build();

        @Test
        void waits(ModelCacheProxy proxy) throws Exception {
            String health = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(proxy.rootUrl() + "/_cache/health")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).body();
            java.util.regex.Matcher pid = java.util.regex.Pattern.compile("\"pid\":(\\d+)").matcher(health);
            if (!pid.find()) {
                throw new AssertionError(health);
            }
            System.out.println("modelcache-proxy-pid=" + pid.group(1));
            System.out.flush();
            new java.util.concurrent.CountDownLatch(1).await();
        }
    }

    /**
     * One test that waits for a test of another class to be running at the same time (the barrier of the pair being
     * run): under JUnit's parallel execution it meets it, unless a resource lock keeps the two classes apart.
     */
    abstract static class MeetsAnother {
        static volatile java.util.concurrent.CyclicBarrier barrier;
        static volatile long waitSeconds;
        static final java.util.concurrent.atomic.AtomicInteger met = new java.util.concurrent.atomic.AtomicInteger();

        @Test
        void meets(ModelCacheProxy proxy) throws Exception {
            try {
                barrier.await(waitSeconds, java.util.concurrent.TimeUnit.SECONDS);
                met.incrementAndGet();
            } catch (java.util.concurrent.TimeoutException | java.util.concurrent.BrokenBarrierException alone) {
                // Ran alone.
            }
        }
    }

    /** Set the SDKs' system properties: one lock, one class at a time. */
    @EnabledIf("dev.modelcache.junit5.Scenario#active")
    @ModelCacheTest(mode = Mode.OFF)
    static final class LockedA extends MeetsAnother {
    }

    @EnabledIf("dev.modelcache.junit5.Scenario#active")
    @ModelCacheTest(mode = Mode.OFF)
    static final class LockedB extends MeetsAnother {
    }

    /** Take their URL from the parameter only: no lock, they run in parallel. */
    @EnabledIf("dev.modelcache.junit5.Scenario#active")
    @ModelCacheTest(mode = Mode.OFF, sdkProperties = false)
    static final class FreeA extends MeetsAnother {
    }

    @EnabledIf("dev.modelcache.junit5.Scenario#active")
    @ModelCacheTest(mode = Mode.OFF, sdkProperties = false)
    static final class FreeB extends MeetsAnother {
    }

    /** A proxy that cannot start: the class fails with the launcher's own line. */
    @EnabledIf("dev.modelcache.junit5.Scenario#active")
    static final class CannotStart {
        @RegisterExtension
        static final ModelCacheExtension MODEL_CACHE = ModelCacheExtension.builder().mode(Mode.OFF)
                .setting("cache/ttl", "a while").build();

        @Test
        void neverRuns(ModelCacheProxy proxy) {
        }
    }

    /** Two classes in one namespace: the second is refused, since they would replace each other's recordings. */
    @EnabledIf("dev.modelcache.junit5.Scenario#active")
    @ModelCacheTest(mode = Mode.OFF, namespace = "Clash")
    static final class ClashA {
        @Test
        void runs(ModelCacheProxy proxy) {
        }
    }

    @EnabledIf("dev.modelcache.junit5.Scenario#active")
    @ModelCacheTest(mode = Mode.OFF, namespace = "Clash")
    static final class ClashB {
        @Test
        void runs(ModelCacheProxy proxy) {
        }
    }

    /** Uses one of {@link Chat}'s recordings in replay, and fails the class for the others. */
    @EnabledIf("dev.modelcache.junit5.Scenario#active")
    static final class ChatUnused {
        @RegisterExtension
        static final ModelCacheExtension MODEL_CACHE = ModelCacheExtension.builder().cassettes(Scenario.cassettes)
                .mode(Mode.REPLAY).namespace("Chat").unused(Unused.FAIL)
                .setting("providers/openai/baseUrl", Scenario.upstream).build();

        @Test
        void saysHi(ModelCacheProxy proxy) throws Exception {
            assertEquals(200, Scenario.chat(proxy, "Say hi", "0").statusCode());
        }
    }
}
