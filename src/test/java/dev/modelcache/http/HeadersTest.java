package dev.modelcache.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HeadersTest {
    private static List<String> names(Headers h) {
        return h.fields().stream().map(Map.Entry::getKey).toList();
    }

    @Test
    void firstIsCaseInsensitiveAndReturnsTheFirstOfSeveral() {
        Headers h = Headers.of("Content-Type", "application/json", "X-Multi", "one", "x-multi", "two");
        assertEquals(Optional.of("application/json"), h.first("content-type"));
        assertEquals(Optional.of("application/json"), h.first("CONTENT-TYPE"));
        assertEquals(Optional.of("one"), h.first("X-MULTI"));
        assertEquals(Optional.empty(), h.first("Authorization"));
        assertEquals(Optional.empty(), Headers.EMPTY.first("Content-Type"));
    }

    @Test
    void fieldsKeepTheirOrderAndDuplicates() {
        Headers h = Headers.of("b", "1", "a", "2", "b", "3");
        assertEquals(List.of(Map.entry("b", "1"), Map.entry("a", "2"), Map.entry("b", "3")), h.fields());
        assertEquals(h.fields(), Headers.of(h.fields()).fields());
    }

    @Test
    void headersAreImmutable() {
        List<Map.Entry<String, String>> source = new ArrayList<>(List.of(Map.entry("a", "1")));
        Headers h = Headers.of(source);
        source.add(Map.entry("b", "2"));
        assertEquals(1, h.fields().size());
        assertThrows(UnsupportedOperationException.class, () -> h.fields().add(Map.entry("c", "3")));
        assertThrows(UnsupportedOperationException.class, () -> Headers.of("a", "1").fields().clear());
    }

    @Test
    void endToEndDropsHopByHopHostAndContentLength() {
        Headers h = Headers.of(
                "Host", "localhost:8080",
                "Connection", "keep-alive",
                "Keep-Alive", "timeout=5",
                "Proxy-Connection", "keep-alive",
                "Proxy-Authorization", "Basic x",
                "Proxy-Authenticate", "Basic",
                "TE", "trailers",
                "Trailer", "X-Checksum",
                "Transfer-Encoding", "chunked",
                "Upgrade", "websocket",
                "Content-Length", "42",
                "Content-Type", "application/json",
                "Authorization", "Bearer sk-1",
                "OpenAI-Beta", "assistants=v2",
                "Accept", "text/event-stream");
        assertEquals(List.of("Content-Type", "Authorization", "OpenAI-Beta", "Accept"), names(h.endToEnd()));
    }

    @Test
    void endToEndDropsFieldsNamedInConnection() {
        Headers h = Headers.of(
                "Connection", "X-Internal-Trace, close",
                "x-internal-trace", "abc",
                "connection", " X-Other ",
                "X-Other", "1",
                "X-Kept", "2",
                "Close", "not really a field");
        assertEquals(List.of("X-Kept"), names(h.endToEnd()));
    }

    @Test
    void endToEndOfPlainFieldsChangesNothing() {
        Headers h = Headers.of("Content-Type", "application/json", "X-Request-Id", "r");
        assertEquals(h.fields(), h.endToEnd().fields());
    }

    @Test
    void oddNumberOfArgumentsIgnoresTheDanglingName() {
        assertEquals(List.of("a"), names(Headers.of("a", "1", "b")));
    }

    @Test
    void filterKeepsMatchingNamesInOrder() {
        Headers h = Headers.of("a", "1", "b", "2", "c", "3");
        assertEquals(List.of("a", "c"), names(h.filter(n -> !n.equals("b"))));
    }
}
