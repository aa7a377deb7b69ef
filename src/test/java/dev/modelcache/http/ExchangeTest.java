package dev.modelcache.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExchangeTest {
    private static Exchange exchange(String body, String... headers) {
        return new Exchange("post", "/v1/chat/completions", null, Headers.of(headers), body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void methodIsUpperCasedAndEmptyPathIsRoot() {
        Exchange e = new Exchange("get", "", "a=1", Headers.EMPTY, new byte[0]);
        assertEquals("GET", e.method());
        assertEquals("/", e.path());
        assertEquals("a=1", e.query());
    }

    @Test
    void modelAndStreamAreReadFromAJsonBody() {
        Exchange e = exchange("{\"model\":\"gpt-4o\",\"stream\":true}", "Content-Type", "application/json");
        assertTrue(e.hasJsonBody());
        assertEquals("gpt-4o", e.model());
        assertTrue(e.wantsStream());
    }

    @Test
    void undeclaredJsonIsStillJson() {
        assertEquals("gpt-4o", exchange("{\"model\":\"gpt-4o\"}").model());
    }

    @Test
    void missingBlankOrNonTextModelIsNull() {
        assertNull(exchange("{\"messages\":[]}").model());
        assertNull(exchange("{\"model\":\"  \"}").model());
        assertNull(exchange("{\"model\":42}").model());
        assertNull(exchange("[1,2]").model());
        assertNull(exchange("").model());
        assertFalse(exchange("{\"stream\":false}").wantsStream());
        assertFalse(exchange("{}").wantsStream());
    }

    @Test
    void multipartBodyIsNotParsed() {
        Exchange e = exchange("{\"model\":\"whisper-1\"}", "Content-Type", "multipart/form-data; boundary=x");
        assertFalse(e.hasJsonBody());
        assertNull(e.model());
    }

    @Test
    void undeclaredNonJsonIsNotAnError() {
        assertFalse(exchange("model=gpt-4o").hasJsonBody());
    }

    @Test
    void invalidDeclaredJsonIsA400() {
        ProxyError e = assertThrows(ProxyError.class, () -> exchange("{\"model\":", "Content-Type", "application/json").model());
        assertEquals(400, e.status());
        assertEquals("invalid_json", e.code());
    }

    @Test
    void invalidDeclaredJsonIsA400OnEveryCall() {
        Exchange e = exchange("{\"model\":", "Content-Type", "application/json");
        assertThrows(ProxyError.class, e::json);
        assertThrows(ProxyError.class, e::json);
    }

    private static ServletInputStream input(byte[] body) {
        ByteArrayInputStream in = new ByteArrayInputStream(body);
        return new ServletInputStream() {
            @Override
            public boolean isFinished() {
                return in.available() == 0;
            }

            @Override
            public boolean isReady() {
                return true;
            }

            @Override
            public void setReadListener(ReadListener listener) {
            }

            @Override
            public int read() {
                return in.read();
            }

            @Override
            public int read(byte[] b, int off, int len) {
                return in.read(b, off, len);
            }
        };
    }

    private static HttpServletRequest request(byte[] body, long declaredLength) throws IOException {
        HttpServletRequest request = mock(HttpServletRequest.class);
        when(request.getMethod()).thenReturn("POST");
        when(request.getRequestURI()).thenReturn("/modelcache/v1/chat/completions");
        when(request.getContextPath()).thenReturn("/modelcache");
        when(request.getQueryString()).thenReturn("x=1");
        when(request.getContentLengthLong()).thenReturn(declaredLength);
        when(request.getHeaderNames()).thenReturn(Collections.enumeration(List.of("Content-Type", "X-Multi")));
        when(request.getHeaders("Content-Type")).thenReturn(Collections.enumeration(List.of("application/json")));
        when(request.getHeaders("X-Multi")).thenReturn(Collections.enumeration(List.of("a", "b")));
        when(request.getInputStream()).thenReturn(input(body));
        return request;
    }

    @Test
    void readTakesPathBelowTheContextQueryHeadersAndBody() throws IOException {
        byte[] body = "{\"model\":\"gpt-4o\"}".getBytes(StandardCharsets.UTF_8);
        Exchange e = Exchange.read(request(body, body.length), 1024);
        assertEquals("POST", e.method());
        assertEquals("/v1/chat/completions", e.path());
        assertEquals("x=1", e.query());
        assertEquals(List.of(Map.entry("Content-Type", "application/json"), Map.entry("X-Multi", "a"), Map.entry("X-Multi", "b")),
                e.headers().fields());
        assertArrayEquals(body, e.body());
        assertEquals("gpt-4o", e.model());
    }

    @Test
    void declaredBodyOverTheLimitIsRefusedBeforeReading() throws IOException {
        HttpServletRequest request = request(new byte[0], 2048);
        ProxyError e = assertThrows(ProxyError.class, () -> Exchange.read(request, 1024));
        assertEquals(413, e.status());
        assertEquals("request_too_large", e.code());
        verify(request, never()).getInputStream();
    }

    @Test
    void undeclaredBodyOverTheLimitIsRefused() throws IOException {
        byte[] body = new byte[1025];
        ProxyError e = assertThrows(ProxyError.class, () -> Exchange.read(request(body, -1), 1024));
        assertEquals(413, e.status());
    }

    @Test
    void bodyOfExactlyTheLimitIsAccepted() throws IOException {
        byte[] body = new byte[1024];
        assertEquals(1024, Exchange.read(request(body, -1), 1024).body().length);
    }

    @Test
    void thePathIsNormalisedAndTheQueryChecked() {
        Exchange e = new Exchange("POST", "/v1/chat/../files", "purpose=batch", Headers.EMPTY, new byte[0]);
        assertEquals("/v1/files", e.path());
        assertEquals("purpose=batch", e.query());
        assertEquals("/v1/files", new Exchange("POST", "/v1//%66iles", null, Headers.EMPTY, new byte[0]).path());
        ProxyError query = assertThrows(ProxyError.class,
                () -> new Exchange("GET", "/v1/models", "key=SECRET123&a=%zz", Headers.EMPTY, new byte[0]));
        assertEquals("invalid_query", query.code());
        ProxyError path = assertThrows(ProxyError.class,
                () -> new Exchange("POST", "/v1/files;x=1", null, Headers.EMPTY, new byte[0]));
        assertEquals("invalid_path", path.code());
    }

    @Test
    void contentAfterTheDocumentIsInvalidJson() {
        ProxyError e = assertThrows(ProxyError.class,
                () -> exchange("{\"model\":\"gpt-4o\"} {\"model\":\"gpt-4o-mini\"}", "Content-Type", "application/json").json());
        assertEquals("invalid_json", e.code());
        assertEquals("gpt-4o", exchange("{\"model\":\"gpt-4o\"}\n", "Content-Type", "application/json").model());
        assertFalse(exchange("{\"model\":\"gpt-4o\"} and more").hasJsonBody(), "undeclared, it is not JSON and keyed by its bytes");
    }

    @Test
    void nonFiniteNumberTokensAndOutOfRangeExponentsAreInvalidJson() {
        for (String body : new String[] {"{\"temperature\":NaN}", "{\"temperature\":Infinity}",
                "{\"temperature\":1e2147483648}", "{\"temperature\":1e-2147483649}"}) {
            ProxyError e = assertThrows(ProxyError.class, () -> exchange(body, "Content-Type", "application/json").json(), body);
            assertEquals("invalid_json", e.code(), body);
        }
    }

    @Test
    void aNumberBeyondTheDoubleRangeKeepsItsValue() {
        JsonNode t = exchange("{\"temperature\":1e400}", "Content-Type", "application/json").json().get("temperature");
        assertTrue(t.isBigDecimal());
        assertEquals(new java.math.BigDecimal("1e400"), t.decimalValue());
    }

    @Test
    void aStringLongerThanJacksonsDefaultLimitIsAccepted() {
        String text = "a".repeat(21_000_000);
        Exchange e = exchange("{\"model\":\"gpt-4o\",\"input\":\"" + text + "\"}", "Content-Type", "application/json");
        assertEquals(21_000_000, e.json().get("input").asText().length());
        String name = "n".repeat(60_000);
        assertTrue(exchange("{\"" + name + "\":1}", "Content-Type", "application/json").json().has(name));
    }
}
