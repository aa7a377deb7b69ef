package dev.modelcache.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class RedactedTest {
    @Test
    void queryStringsAndUserInfoAreCutFromText() {
        assertEquals("Malformed escape pair at index 60: http://***@127.0.0.1:8/v1/chat/completions",
                Redacted.text("Malformed escape pair at index 60: http://user:pw@127.0.0.1:8/v1/chat/completions?key=SECRET123&a=%zz"));
        assertEquals("Connect to https://***@api.example.com:443 [api.example.com/1.2.3.4] failed",
                Redacted.text("Connect to https://user:pw@api.example.com:443 [api.example.com/1.2.3.4] failed"));
        assertEquals("plain message", Redacted.text("plain message"));
        assertNull(Redacted.text(null));
    }

    @Test
    void aRedactedFailureKeepsItsClassNamesAndStackButNotTheSecrets() {
        IllegalArgumentException original = new IllegalArgumentException(
                "Malformed escape pair: http://u:pw@h/v1/x?key=SECRET123",
                new java.net.URISyntaxException("http://u:pw@h/v1/x?key=SECRET123", "Malformed escape pair"));
        Throwable copy = Redacted.throwable(original);
        StringWriter printed = new StringWriter();
        copy.printStackTrace(new PrintWriter(printed));
        String text = printed.toString();
        assertFalse(text.contains("SECRET123"), text);
        assertFalse(text.contains("u:pw"), text);
        assertTrue(text.startsWith("java.lang.IllegalArgumentException: Malformed escape pair: http://***@h/v1/x"), text);
        assertTrue(text.contains("Caused by: java.net.URISyntaxException"), text);
        assertEquals(original.getStackTrace()[0], copy.getStackTrace()[0]);
        assertNull(Redacted.throwable(null));
    }
}
