package dev.modelcache.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelcache.http.ProxyError;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLHandshakeException;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.client5.http.HttpHostConnectException;
import org.junit.jupiter.api.Test;

class UpstreamFailureTest {
    private static final URI GROQ = URI.create("https://api.groq.com/openai");

    @Test
    void socketTimeoutIsA504UpstreamTimeout() {
        SocketTimeoutException cause = new SocketTimeoutException("Read timed out");
        ProxyError e = UpstreamFailure.of(cause, "groq", GROQ);
        assertEquals(504, e.status());
        assertEquals("upstream_timeout", e.code());
        assertSame(cause, e.getCause());
        assertTrue(new String(e.body(), StandardCharsets.UTF_8).contains("\"type\":\"upstream_error\""));
    }

    @Test
    void httpClientConnectTimeoutIsA504() {
        assertEquals(504, UpstreamFailure.of(new ConnectTimeoutException("Connect timed out"), "groq", GROQ).status());
    }

    @Test
    void connectExceptionIsA502UpstreamUnreachable() {
        ProxyError e = UpstreamFailure.of(new ConnectException("Connection refused"), "groq", GROQ);
        assertEquals(502, e.status());
        assertEquals("upstream_unreachable", e.code());
        assertTrue(e.getMessage().contains("Connection refused"), e.getMessage());
    }

    @Test
    void otherFailuresAre502() {
        assertEquals(502, UpstreamFailure.of(new UnknownHostException("api.groq.com"), "groq", GROQ).status());
        assertEquals(502, UpstreamFailure.of(new SocketException("Connection reset"), "groq", GROQ).status());
        assertEquals(502, UpstreamFailure.of(new SSLHandshakeException("PKIX path building failed"), "groq", GROQ).status());
        assertEquals(502, UpstreamFailure.of(new IOException(), "groq", GROQ).status());
    }

    @Test
    void messageNamesProviderAndBaseUrl() {
        ProxyError e = UpstreamFailure.of(new ConnectException("Connection refused"), "groq", GROQ);
        assertTrue(e.getMessage().contains("'groq'"), e.getMessage());
        assertTrue(e.getMessage().contains("https://api.groq.com/openai"), e.getMessage());
        ProxyError t = UpstreamFailure.of(new SocketTimeoutException(null), "local", URI.create("http://localhost:11434"));
        assertTrue(t.getMessage().contains("'local'"), t.getMessage());
        assertTrue(t.getMessage().contains("http://localhost:11434"), t.getMessage());
    }

    @Test
    void queryStringIsStrippedFromTheExceptionText() {
        ProxyError e = UpstreamFailure.of(new HttpHostConnectException(
                "Connect to https://api.groq.com/openai/v1/models?api-key=SECRET123&x=1 failed: Connection refused"), "groq", GROQ);
        assertFalse(e.getMessage().contains("SECRET123"), e.getMessage());
        assertFalse(e.getMessage().contains("api-key="), e.getMessage());
        assertTrue(e.getMessage().contains("failed: Connection refused"), e.getMessage());
        ProxyError t = UpstreamFailure.of(new SocketTimeoutException("timeout reading /v1/x?key=SECRET456"), "groq", GROQ);
        assertFalse(t.getMessage().contains("SECRET456"), t.getMessage());
        assertFalse(new String(t.body(), StandardCharsets.UTF_8).contains("SECRET456"));
    }

    @Test
    void userInfoIsStrippedFromTheExceptionText() {
        ProxyError e = UpstreamFailure.of(new HttpHostConnectException(
                "Connect to http://user:pw@127.0.0.1:9 [/127.0.0.1] failed: Connection refused"), "local",
                URI.create("http://user:pw@127.0.0.1:9"));
        assertFalse(e.getMessage().contains("user:pw"), e.getMessage());
        assertTrue(e.getMessage().contains("failed: Connection refused"), e.getMessage());
    }

    @Test
    void aDeniedAddressIsA502ThatNamesTheProviderAndTheSetting() {
        ProxyError e = UpstreamFailure.of(new DeniedAddressException("metadata.internal"), "groq", GROQ);
        assertEquals(502, e.status());
        assertEquals("upstream_address_denied", e.code());
        assertTrue(e.getMessage().contains("'groq'") && e.getMessage().contains("upstream/denyAddresses"), e.getMessage());
    }
}
