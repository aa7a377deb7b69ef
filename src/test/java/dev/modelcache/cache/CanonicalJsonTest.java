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

    private static String exact(String json) throws Exception {
        return new String(CanonicalJson.bytes(dev.modelcache.http.JsonParsers.REQUEST.readTree(json)), StandardCharsets.UTF_8);
    }

    @Test
    void numbersAreSpelledByTheirExactValue() throws Exception {
        assertEquals("[1E+400,-1E+400,1E-400,0.7,0.7,1.0,1,100,1E+2,1E+2,0.0,0.00001]",
                exact("[1e400,-1e400,1e-400,0.7,0.70,1.0,1,100,100.0,1e2,0.000,0.00001]"));
        assertEquals("[0.1,0.10000000000000000001]", exact("[0.1,0.10000000000000000001]"));
        assertEquals("123456789012345678901234567890", exact("123456789012345678901234567890"));
    }

    @Test
    void aNonFiniteNumberIsNeverSpelledAsAString() {
        var tree = JSON.createArrayNode().add(Double.POSITIVE_INFINITY).add(Double.NaN).add("Infinity").add(0.5);
        assertEquals("[Infinity,NaN,\"Infinity\",0.5]", new String(CanonicalJson.bytes(tree), StandardCharsets.UTF_8));
    }

    @Test
    void numbersAtTheEdgeOfTheScaleAreSpelledOnceAndNeverInPlainDigits() throws Exception {
        assertEquals("[1E+999999999,1E-999999999,-1E+999999999]", exact("[1e999999999,1e-999999999,-1e999999999]"));
        assertEquals("[1.0E+2147483649,1.0E+2147483649,1E+2147483648]",
                exact("[100e2147483647,1000e2147483646,10e2147483647]"),
                "zeros that would push the scale past its range stay, the same for every spelling of the value");
    }
}
