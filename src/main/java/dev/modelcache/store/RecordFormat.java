package dev.modelcache.store;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelcache.cache.Body;
import dev.modelcache.cache.CacheKey;
import dev.modelcache.cache.CachedResponse;
import dev.modelcache.cache.CanonicalJson;
import dev.modelcache.cache.RequestRecord;
import dev.modelcache.http.HeaderPolicy;
import dev.modelcache.http.Headers;
import dev.modelcache.http.JsonParsers;
import dev.modelcache.stream.Chunk;
import dev.modelcache.tokens.Usage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The record file format, one file per entry, written to diff well in git:
 * <pre>
 * modelcache-record 1
 * { pretty-printed JSON header: "key", "request" (a {@link RequestRecord}), "response" (status, headers, storedAt (an ISO-8601
 *   instant in UTC; older records hold milliseconds since the epoch, still read),
 *   ttlSeconds only when the entry has a lifetime of its own, usage (cacheReadTokens and cacheWriteTokens only when
 *   not 0, so older records read as 0), bodyLength, bodySha256, chunks as
 *   [end, atMillis] pairs, one per line) }
 * (a blank line)
 * the body, byte for byte as relayed (a stream's SSE text, or a JSON answer as the provider sent it)
 * </pre>
 * The body starts right after the header's closing brace and two line feeds. In the cache's record folder, a header
 * that does not parse, a file whose length disagrees with {@code bodyLength}, or a body whose SHA-256 differs is torn
 * and never served. A cassette (the same format, kept in git) may have been edited by hand: its reader takes the
 * body's length and SHA-256 from the body itself ({@code replay/cassette/HandEdits}).
 */
public final class RecordFormat {
    public static final String MAGIC = "modelcache-record";
    public static final int VERSION = 1;
    static final byte[] FIRST_LINE = (MAGIC + " " + VERSION + "\n").getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SEPARATOR = {'\n', '\n'};
    /** Room in a record's header for everything but the request body and the chunk list. */
    private static final long HEADER_FIELDS_BYTES = 1024 * 1024;
    /** What a JSON parser may read past the end of the header before it sees the end. */
    private static final int READ_AHEAD = 64 * 1024;
    private static final ObjectMapper JSON = JsonParsers.RECORD;
    /** {@code storedAt} as written: ISO-8601 in UTC, always with milliseconds, so every record's header is as long. */
    private static final DateTimeFormatter STORED_AT = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSX")
            .withZone(ZoneOffset.UTC);
    private static final JsonFactory FACTORY = JSON.getFactory();
    private static final DefaultPrettyPrinter PRETTY = new DefaultPrettyPrinter()
            .withObjectIndenter(new DefaultIndenter("  ", "\n"))
            .withArrayIndenter(new DefaultIndenter("  ", "\n"));

    private RecordFormat() {
    }

    /** A parsed header: the JSON, and where the body starts in the file. */
    public record Header(JsonNode json, long bodyOffset) {
        public long bodyLength() {
            return json.path("response").path("bodyLength").asLong(-1);
        }

        public String bodySha256() {
            return json.path("response").path("bodySha256").asText("");
        }

        /**
         * When the answer was stored, in milliseconds since the epoch: written as an ISO-8601 instant (UTC) so a
         * person reading a cassette sees a date; records of older versions hold the number of milliseconds, read
         * as such. -1 when it is neither.
         */
        public long storedAtMillis() {
            JsonNode storedAt = json.path("response").path("storedAt");
            if (storedAt.isIntegralNumber() && storedAt.canConvertToLong()) {
                return storedAt.asLong();
            }
            try {
                return storedAt.isTextual() ? Instant.parse(storedAt.asText()).toEpochMilli() : -1;
            } catch (DateTimeException | ArithmeticException e) {
                return -1;
            }
        }

        /**
         * The entry's own lifetime in milliseconds, from {@code ttlSeconds}: 0 when there is none (the store's
         * applies), -1 when it is not a whole number of seconds from 0 (the record is then unreadable).
         */
        public long ttlMillis() {
            JsonNode ttl = json.path("response").path("ttlSeconds");
            if (ttl.isMissingNode()) {
                return 0;
            }
            boolean valid = ttl.isIntegralNumber() && ttl.canConvertToLong() && ttl.asLong() >= 0
                    && ttl.asLong() <= CachedResponse.MAX_TTL_SECONDS;
            return valid ? ttl.asLong() * 1000 : -1;
        }
    }

    /** Everything before the body: the first line, the JSON header and the blank line. */
    public static byte[] header(CacheKey key, RequestRecord request, CachedResponse response, String bodySha256) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(1024);
        try (JsonGenerator out = FACTORY.createGenerator(bytes)) {
            bytes.write(FIRST_LINE);
            // A pretty printer counts its nesting: each header gets its own, or concurrent writes shift the indent.
            out.setPrettyPrinter(PRETTY.createInstance());
            out.writeStartObject();
            out.writeStringField("key", key.hex());
            out.writeObjectFieldStart("request");
            out.writeStringField("provider", request.provider());
            out.writeStringField("method", request.method());
            out.writeStringField("path", request.path());
            out.writeStringField("query", request.query());
            out.writeObjectField("varyHeaders", new java.util.TreeMap<>(request.varyHeaders()));
            out.writeStringField("partition", request.partition());
            out.writeStringField("keyRecipe", request.keyRecipe());
            out.writeStringField("model", request.model());
            out.writeStringField("namespace", request.namespace());
            out.writeStringField("bodyType", request.bodyType());
            if (request.sequence() > 1) {
                out.writeNumberField("sequence", request.sequence());
            }
            out.writeFieldName("body");
            CanonicalJson.write(request.body(), out);
            out.writeEndObject();
            out.writeObjectFieldStart("response");
            out.writeNumberField("status", response.status());
            out.writeArrayFieldStart("headers");
            for (Map.Entry<String, String> field : response.headers().fields()) {
                out.writeRawValue(JSON.writeValueAsString(List.of(field.getKey(), field.getValue())));
            }
            out.writeEndArray();
            out.writeStringField("storedAt", STORED_AT.format(Instant.ofEpochMilli(response.storedAtMillis())));
            if (response.ttlMillis() > 0) {
                out.writeNumberField("ttlSeconds", response.ttlMillis() / 1000);
            }
            out.writeObjectFieldStart("usage");
            out.writeNumberField("promptTokens", response.usage().promptTokens());
            out.writeNumberField("completionTokens", response.usage().completionTokens());
            out.writeBooleanField("estimated", response.usage().estimated());
            if (response.usage().cacheReadTokens() > 0) {
                out.writeNumberField("cacheReadTokens", response.usage().cacheReadTokens());
            }
            if (response.usage().cacheWriteTokens() > 0) {
                out.writeNumberField("cacheWriteTokens", response.usage().cacheWriteTokens());
            }
            out.writeEndObject();
            out.writeNumberField("bodyLength", response.bodyLength());
            out.writeStringField("bodySha256", bodySha256);
            out.writeArrayFieldStart("chunks");
            for (Chunk chunk : response.chunks()) {
                out.writeRawValue("[" + chunk.end() + ", " + chunk.atMillis() + "]");
            }
            out.writeEndArray();
            out.writeEndObject();
            out.writeEndObject();
            out.flush();
            bytes.write(SEPARATOR);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * Reads the header from the start of a record; the stream is left somewhere after it. Fails on a foreign or
     * newer format, a header that does not parse, or a header not followed by its blank line.
     */
    public static Header readHeader(InputStream in) throws IOException {
        return readHeader(in, Long.MAX_VALUE);
    }

    /**
     * The same, reading at most about {@code maxHeaderBytes} (plus a parser's read-ahead): a longer header fails
     * with an IOException that names the bound, before it is held in memory. Jackson reads the stream as it parses,
     * so a header of gigabytes costs no more than the bound.
     */
    public static Header readHeader(InputStream in, long maxHeaderBytes) throws IOException {
        byte[] first = in.readNBytes(FIRST_LINE.length);
        if (!java.util.Arrays.equals(first, FIRST_LINE)) {
            throw new IOException("not a " + MAGIC + " " + VERSION + " file");
        }
        BoundedInput bounded = new BoundedInput(in, Math.min(maxHeaderBytes, Long.MAX_VALUE - READ_AHEAD) + READ_AHEAD);
        try (JsonParser parser = FACTORY.createParser(bounded)) {
            parser.enable(JsonParser.Feature.AUTO_CLOSE_SOURCE);
            JsonNode json = JSON.readTree(parser);
            if (json == null || !json.isObject()) {
                throw new IOException("no JSON header");
            }
            long end = FIRST_LINE.length + parser.currentLocation().getByteOffset();
            if (end + SEPARATOR.length > maxHeaderBytes) {
                throw tooLong(maxHeaderBytes);
            }
            return new Header(json, end + SEPARATOR.length);
        } catch (IOException | RuntimeException e) {
            if (bounded.cut()) {
                throw tooLong(maxHeaderBytes);
            }
            throw e instanceof IOException io ? io : new IOException("unreadable header: " + e.getMessage(), e);
        }
    }

    /**
     * The longest header a record of this proxy can have: the canonical request body, pretty-printed (twice the
     * largest request, {@code maxBodyBytes}), the answer's chunk list (at most one {@code [end, atMillis]} pair per
     * event; half the largest answer, {@code cache/maxEntryMB}, holds one for every event of 60 bytes or more), and
     * 1 MiB for the other fields and the answer's header fields.
     */
    public static long maxHeaderBytes(long maxRequestBytes, long maxAnswerBytes) {
        return 2 * maxRequestBytes + maxAnswerBytes / 2 + HEADER_FIELDS_BYTES;
    }

    private static IOException tooLong(long maxHeaderBytes) {
        return new IOException("the header is longer than " + maxHeaderBytes + " bytes, the longest a record of this"
                + " proxy can have");
    }

    /** The answer the header describes, with its body where it lies. */
    public static CachedResponse response(Header header, Body body) throws IOException {
        try {
            return decodedResponse(header, body);
        } catch (RuntimeException e) {
            // A header that parses but holds impossible values (negative token counts, say) is as unreadable as one
            // that does not parse: a torn or tampered file is a miss, never an exception in the request.
            throw new IOException("unreadable response in the record header: " + e.getClass().getSimpleName(), e);
        }
    }

    private static CachedResponse decodedResponse(Header header, Body body) throws IOException {
        JsonNode response = header.json().path("response");
        JsonNode request = header.json().path("request");
        List<Map.Entry<String, String>> fields = new ArrayList<>();
        for (JsonNode field : response.path("headers")) {
            fields.add(Map.entry(field.path(0).asText(), field.path(1).asText()));
        }
        List<Chunk> chunks = new ArrayList<>();
        for (JsonNode chunk : response.path("chunks")) {
            chunks.add(new Chunk(chunk.path(0).asInt(), chunk.path(1).asInt()));
        }
        CachedResponse.checkChunks(chunks, body.length());
        if (header.storedAtMillis() < 0) {
            throw new IOException("unreadable storedAt: " + response.path("storedAt"));
        }
        if (header.ttlMillis() < 0) {
            throw new IOException("unreadable ttlSeconds: " + response.path("ttlSeconds"));
        }
        JsonNode tokens = response.path("usage");
        Usage usage = new Usage(tokens.path("promptTokens").asLong(), tokens.path("completionTokens").asLong(),
                tokens.path("estimated").asBoolean(), tokens.path("cacheReadTokens").asLong(0),
                tokens.path("cacheWriteTokens").asLong(0));
        return new CachedResponse(CachedResponse.checkedStatus(response.path("status")), HeaderPolicy.stored(Headers.of(fields)), body, chunks,
                header.storedAtMillis(), usage, request.path("provider").asText(null),
                request.path("model").asText(null), header.ttlMillis());
    }

    /**
     * The request the header describes. A record written before {@code namespace} and {@code bodyType} were kept is
     * in no namespace, and its body type is read from the body's shape.
     */
    public static RequestRecord request(Header header) {
        JsonNode request = header.json().path("request");
        Map<String, String> vary = new java.util.TreeMap<>();
        request.path("varyHeaders").fields().forEachRemaining(field -> vary.put(field.getKey(), field.getValue().asText()));
        JsonNode body = request.path("body");
        String bodyType = request.path("bodyType").asText(null);
        if (bodyType == null) {
            bodyType = body.isMissingNode() || body.isNull() ? RequestRecord.NO_BODY
                    : body.size() >= 3 && body.size() <= 4 && body.has("mediaType") && body.has("sha256") && body.has("bytes")
                    ? RequestRecord.BYTES_BODY : RequestRecord.JSON_BODY;
        }
        return new RequestRecord(request.path("provider").asText(""), request.path("method").asText(""),
                request.path("path").asText(""), request.path("query").asText(""), vary,
                body.isMissingNode() ? null : body, request.path("partition").asText(""),
                request.path("keyRecipe").asText(""), request.path("model").asText(null),
                request.path("namespace").asText(""), bodyType, request.path("sequence").asInt(1));
    }

    /** True when the two bytes at the body's start in {@code bytes} are the separator. */
    static boolean separatorBefore(byte[] bytes, long bodyOffset) {
        return bodyOffset >= 2 && bodyOffset <= bytes.length
                && bytes[(int) bodyOffset - 2] == '\n' && bytes[(int) bodyOffset - 1] == '\n';
    }

}
