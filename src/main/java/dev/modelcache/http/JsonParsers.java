package dev.modelcache.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.io.IOContext;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.DataInput;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.util.concurrent.atomic.LongAdder;

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
    public static final ObjectMapper REQUEST = new ObjectMapper(new CountingFactory(builder(), Counted.REQUEST))
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /**
     * Answers, read for their token counts (and a stored entry's metadata, in the Ehcache tier's older value format).
     * Every parse is counted ({@link #answerParses()}): a hit must parse none.
     */
    public static final ObjectMapper RESPONSE = new ObjectMapper(new CountingFactory(builder(), Counted.ANSWER));

    /** What a {@link CountingFactory} counts: answers parsed, or request bodies parsed. */
    private enum Counted {
        ANSWER, REQUEST;

        private final LongAdder parses = new LongAdder();
    }

    /**
     * Record files: their header holds the canonical request body, so numbers keep their exact value as in
     * {@link #REQUEST}; the body follows the header, so content after the JSON document is expected.
     */
    public static final ObjectMapper RECORD = mapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    private JsonParsers() {
    }

    /**
     * JSON documents parsed with {@link #RESPONSE} since start, in this JVM: what a test reads around an exchange to
     * prove that the request thread of a hit parses no answer (the stored usage is replayed, never counted again).
     */
    public static long answerParses() {
        return Counted.ANSWER.parses.sum();
    }

    /**
     * Documents parsed with {@link #REQUEST} since start, in this JVM: a repeated request whose plan is remembered
     * ({@code proxy/PlanMemo}) parses none.
     */
    public static long requestParses() {
        return Counted.REQUEST.parses.sum();
    }

    private static ObjectMapper mapper() {
        return new ObjectMapper(builder().build());
    }

    private static JsonFactoryBuilder builder() {
        return new JsonFactoryBuilder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxStringLength(Integer.MAX_VALUE)
                        .maxNameLength(Integer.MAX_VALUE)
                        .build());
    }

    /** Counts the parsers it makes: every way Jackson reads a document goes through one of these. */
    private static final class CountingFactory extends JsonFactory {
        private static final long serialVersionUID = 1L;

        private final Counted counted;

        CountingFactory(JsonFactoryBuilder builder, Counted counted) {
            super(builder);
            this.counted = counted;
        }

        @Override
        protected JsonParser _createParser(InputStream in, IOContext context) throws IOException {
            counted.parses.increment();
            return super._createParser(in, context);
        }

        @Override
        protected JsonParser _createParser(Reader reader, IOContext context) throws IOException {
            counted.parses.increment();
            return super._createParser(reader, context);
        }

        @Override
        protected JsonParser _createParser(char[] data, int offset, int length, IOContext context, boolean recyclable)
                throws IOException {
            counted.parses.increment();
            return super._createParser(data, offset, length, context, recyclable);
        }

        @Override
        protected JsonParser _createParser(byte[] data, int offset, int length, IOContext context) throws IOException {
            counted.parses.increment();
            return super._createParser(data, offset, length, context);
        }

        @Override
        protected JsonParser _createParser(DataInput input, IOContext context) throws IOException {
            counted.parses.increment();
            return super._createParser(input, context);
        }
    }
}
