package dev.modelcache.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The JSON parsers for bodies. Jackson's own limits (a string of at most 20 M characters, a field name of at most
 * 50 000) are stricter than the proxy's: a body is already bounded when it is read ({@code maxBodyBytes} for a
 * request, {@code cache/maxEntryMB} for an answer kept for the cache), and no string or name in it can be longer
 * than the body. So the length limits are lifted and the body's size is the only one; nesting depth and number
 * length keep Jackson's defaults (1000 levels, 1000 digits), which no real request comes near.
 */
public final class JsonParsers {
    /**
     * Request bodies, read for the cache key: a floating-point number keeps its exact decimal value (so that
     * {@code 1e400} is not the double infinity) and content after the JSON document is an error, since the
     * provider would see it but the key would not.
     */
    public static final ObjectMapper REQUEST = mapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /** Answers, read for their token counts. */
    public static final ObjectMapper RESPONSE = mapper();

    /**
     * Record files: their header holds the canonical request body, so numbers keep their exact value as in
     * {@link #REQUEST}; the body follows the header, so content after the JSON document is expected.
     */
    public static final ObjectMapper RECORD = mapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    private JsonParsers() {
    }

    private static ObjectMapper mapper() {
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxStringLength(Integer.MAX_VALUE)
                        .maxNameLength(Integer.MAX_VALUE)
                        .build())
                .build();
        return new ObjectMapper(factory);
    }
}
