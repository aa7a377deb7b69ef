package dev.modelcache.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CanonicalJsonTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static String canonical(String json) throws Exception {
        return new String(CanonicalJson.bytes(JSON.readTree(json)), StandardCharsets.UTF_8);
    }

    @Test
    void keysAreSortedAtEveryDepthAndWhitespaceRemoved() throws Exception {
        assertEquals("{\"a\":{\"c\":[{\"x\":1,\"y\":2},3],\"d\":null},\"b\":true}",
                canonical("{ \"b\" : true,\n \"a\": {\"d\": null, \"c\": [ {\"y\":2, \"x\":1}, 3 ] } }"));
    }

    @Test
    void arrayOrderIsKept() throws Exception {
        assertEquals("[3,1,2]", canonical("[3, 1, 2]"));
    }

    @Test
    void equalDocumentsSpelledDifferentlyHaveTheSameBytes() throws Exception {
        assertArrayEquals(CanonicalJson.bytes(JSON.readTree("{\"s\":\"\\u00e9\\n\",\"n\":1.50}")),
                CanonicalJson.bytes(JSON.readTree("{\"n\":1.5,\"s\":\"é\\n\"}")));
    }

    @Test
    void scalarsAreWrittenAsParsed() throws Exception {
        assertEquals("\"x\"", canonical("\"x\""));
        assertEquals("12", canonical("12"));
        assertEquals("null", canonical("null"));
    }
}
