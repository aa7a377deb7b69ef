package dev.modelcache.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelcache.cache.CachePolicy.Decision;
import dev.modelcache.http.Exchange;
import dev.modelcache.http.Headers;
import dev.modelcache.http.ProxyError;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The request controls are read strictly: a value outside the documented ones, or two that disagree, is a 400. */
class ControlHeadersTest {
    private static Decision decide(String... headers) {
        return new CachePolicy().decide(new Exchange("POST", "/v1/chat/completions", null, Headers.of(headers), new byte[0]));
    }

    private static ProxyError refused(String... headers) {
        ProxyError error = assertThrows(ProxyError.class, () -> decide(headers));
        assertEquals(400, error.status());
        return error;
    }

    @ParameterizedTest
    @ValueSource(strings = {"of", "no", "disabled", "", "off please"})
    void aCoalesceValueOtherThanOnOrOffIsRefusedNamingTheHeaderAndItsValues(String value) {
        ProxyError error = refused("X-Cache-Coalesce", value);
        assertEquals("invalid_cache_coalesce", error.code());
        assertEquals("The X-Cache-Coalesce header must be on or off.", error.getMessage());
    }

    @Test
    void coalesceAcceptsOnAndOffInAnyCase() {
        assertFalse(decide("X-Cache-Coalesce", " Off ").coalesce());
        assertTrue(decide("X-Cache-Coalesce", "ON").coalesce());
        assertTrue(decide().coalesce());
    }

    @ParameterizedTest
    @ValueSource(strings = {"real-time", "fast", "slow", "", "on"})
    void aReplayValueOtherThanRealtimeIsRefusedNamingTheHeaderAndItsValue(String value) {
        ProxyError error = refused("X-Cache-Replay", value);
        assertEquals("invalid_cache_replay", error.code());
        assertEquals("The X-Cache-Replay header must be realtime.", error.getMessage());
    }

    @Test
    void replayRealtimeAsksForThePacedReplay() {
        assertTrue(decide("X-Cache-Replay", "RealTime").paced());
        assertFalse(decide().paced());
    }

    @Test
    void twoNamespacesThatDifferAreRefusedNamingTheHeader() {
        ProxyError error = refused("X-Cache-Namespace", "suite-a", "x-cache-namespace", "suite-b");
        assertEquals("invalid_cache_namespace", error.code());
        assertTrue(error.getMessage().startsWith("The X-Cache-Namespace header was sent more than once"), error.getMessage());
        assertFalse(error.getMessage().contains("suite-"), "the message does not repeat the values");
    }

    @Test
    void everySingleValuedControlSentTwiceWithDifferentValuesIsRefused() {
        assertEquals("invalid_cache_mode", refused("X-Cache-Mode", "replay", "X-Cache-Mode", "record").code());
        assertEquals("invalid_cache_control", refused("X-Cache-TTL", "60", "X-Cache-TTL", "61").code());
        assertEquals("invalid_cache_sequence", refused("X-Cache-Sequence", "on", "X-Cache-Sequence", "off").code());
        assertEquals("invalid_cache_coalesce", refused("X-Cache-Coalesce", "on", "X-Cache-Coalesce", "off").code());
        assertEquals("invalid_cache_replay", refused("X-Cache-Replay", "realtime", "X-Cache-Replay", "fast").code());
    }

    @Test
    void theSameValueTwiceIsOneValue() {
        Decision d = decide("X-Cache-Namespace", "suite-a", "X-Cache-Namespace", " suite-a", "X-Cache-Mode", "replay",
                "X-Cache-Mode", "REPLAY");
        assertEquals("suite-a", d.namespace());
        assertEquals(CacheMode.REPLAY, d.mode());
    }

    @Test
    void modeValuesAreNamedInTheRefusal() {
        assertEquals("The X-Cache-Mode header must be readthrough, record, replay or passthrough.",
                refused("X-Cache-Mode", "fast").getMessage());
    }

    @Test
    void theReaderItselfTrimsAndReportsAbsence() {
        ControlHeaders controls = new ControlHeaders(Headers.of("X-Cache-Replay", " realtime "));
        assertEquals(Optional.of("realtime"), controls.oneOf("X-Cache-Replay", List.of("realtime")));
        assertEquals(Optional.empty(), controls.value("X-Cache-Namespace"));
        assertEquals(Optional.empty(), controls.onOff("X-Cache-Coalesce"));
    }
}
