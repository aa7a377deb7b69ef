package dev.modelcache.junit5;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How the annotation's values become the child's settings, and what a method's annotation changes. */
class ProxyConfigTest {
    @ModelCacheTest(cassettes = "cassettes", mode = Mode.REPLAY, settings = {"cache/redact=/user", "cache/ignoreFields=/a"})
    static class Annotated {
        @ModelCacheTest(sequences = false, settings = "cache/redact=/metadata")
        void overridesSome() {
        }

        @ModelCacheTest(mode = Mode.RECORD, namespace = "Own")
        void overridesTheMode() {
        }
    }

    static class Outer {
        static class Inner {
        }
    }

    private static ModelCacheTest method(String name) throws NoSuchMethodException {
        return Annotated.class.getDeclaredMethod(name).getAnnotation(ModelCacheTest.class);
    }

    @Test
    void aMethodOverridesWhatItSetsAndKeepsTheRestOfItsClass() throws Exception {
        ProxyConfig type = ProxyConfig.of(Annotated.class.getAnnotation(ModelCacheTest.class));
        ProxyConfig some = type.overriddenBy(method("overridesSome")).resolved();
        assertEquals(Path.of("cassettes").toAbsolutePath(), some.cassettes());
        assertEquals(Mode.REPLAY, some.mode());
        assertEquals(Map.of("cache/redact", "/metadata", "cache/ignoreFields", "/a"), some.settings());
        assertEquals("false", some.proxySettings().get("cache/sequences"));
        ProxyConfig mode = type.overriddenBy(method("overridesTheMode")).resolved();
        assertEquals(Mode.RECORD, mode.mode());
        assertEquals("Own", mode.namespaceFor(Annotated.class));
        assertNotEquals(type.resolved().childKey(), mode.childKey(), "another mode, another proxy");
    }

    @Test
    void eachModeIsAProxyModeAndOnlyReplayAndAutoReadTheCassettes() {
        Map<Mode, String> expected = Map.of(Mode.AUTO, "readthrough", Mode.REPLAY, "replay", Mode.RECORD, "record",
                Mode.OFF, "passthrough");
        expected.forEach((mode, cacheMode) -> {
            ProxyConfig config = new ProxyConfig(Path.of("c"), mode, true, Unused.REPORT, "", new java.util.TreeMap<>(), true);
            assertEquals(cacheMode, config.proxySettings().get("cache/mode"));
            assertEquals("true", config.proxySettings().get("cache/shared"), "cassettes name no caller");
            assertEquals(mode == Mode.AUTO || mode == Mode.REPLAY, config.proxySettings().containsKey("cache/cassettes"));
        });
    }

    @Test
    void theDefaultNamespaceIsTheClassNameWithoutItsPackage() {
        assertEquals("ProxyConfigTest", ProxyConfig.defaults().namespaceFor(ProxyConfigTest.class));
        assertEquals("ProxyConfigTest.Outer.Inner", ProxyConfig.defaults().namespaceFor(Outer.Inner.class));
    }

    @Test
    void settingsAreNameValuePairsInTheProxysSpellingAndBecomeItsVariables() {
        assertEquals(Map.of("cache/redact", "/user,/metadata"), ProxyConfig.parseSettings("cache/redact = /user,/metadata"));
        assertThrows(IllegalArgumentException.class, () -> ProxyConfig.parseSettings("cache/redact"));
        assertThrows(IllegalArgumentException.class, () -> ProxyConfig.parseSettings("MODELCACHE_CACHE_MODE=replay"));
        assertEquals("MODELCACHE_PROVIDERS_OPENAI_BASEURL", ProxyConfig.environmentName("providers/openai/baseUrl"));
        assertThrows(IllegalArgumentException.class, () -> new ProxyConfig(Path.of("c"), Mode.AUTO, true,
                Unused.REPORT, "no spaces", new java.util.TreeMap<>(), true));
    }

    @Test
    void theDefaultModeComesFromTheRun() {
        String before = System.getProperty(Mode.PROPERTY);
        try {
            System.setProperty(Mode.PROPERTY, "Record");
            assertEquals(Mode.RECORD, Mode.DEFAULT.resolved());
            assertEquals(Mode.REPLAY, Mode.REPLAY.resolved(), "an explicit mode wins");
            System.setProperty(Mode.PROPERTY, "sometimes");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, Mode.DEFAULT::resolved);
            assertTrue(e.getMessage().contains("auto, replay, record or off"), e.getMessage());
        } finally {
            if (before == null) {
                System.clearProperty(Mode.PROPERTY);
            } else {
                System.setProperty(Mode.PROPERTY, before);
            }
        }
    }

    @Test
    void theReportsJsonIsRead() {
        Object report = Json.parse("{\"misses\":[{\"namespace\":\"A\",\"key\":\"k1\",\"answered\":\"504 cache_miss\","
                + "\"explanation\":{\"summary\":\"s \\u00e9\",\"differences\":[{\"path\":\"/t\",\"stored\":\"0\","
                + "\"request\":\"0.7\"}],\"moreDifferences\":0}},{\"namespace\":\"B\",\"key\":\"k2\"}],\"n\":-1.5e2,"
                + "\"ok\":true,\"none\":null}");
        List<Object> misses = MissReport.misses(report, "A");
        assertEquals(1, misses.size());
        assertTrue(MissReport.describe(misses.get(0)).contains("/t: recorded 0, sent 0.7"), MissReport.describe(misses.get(0)));
        assertTrue(MissReport.describe(misses.get(0)).contains("s \u00e9"));
        assertEquals(-150.0, Json.field(report, "n"));
        assertEquals(List.of(), MissReport.recordedKeys(misses), "a replay miss recorded nothing");
        assertThrows(IllegalArgumentException.class, () -> Json.parse("{\"a\":1} x"));
    }
}
