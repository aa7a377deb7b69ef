package dev.modelcache.cache;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.modelcache.files.Digests;
import dev.modelcache.http.Headers;
import dev.modelcache.http.JsonParsers;
import dev.modelcache.stream.Chunk;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Scrubbing before an entry is stored, as vcr.py's {@code before_record} does ({@code cache/redact}): the values at
 * some JSON pointers of the request and answer bodies, and of some header fields, are replaced by
 * {@value #PLACEHOLDER} in what the record file (and so a cassette) keeps.
 *
 * <p>The request is scrubbed before it is keyed, and each scrubbed value leaves a short SHA-256 of itself in its
 * placeholder ({@code "REDACTED sha256:0f3a..."}): the key is a function of what the record keeps (so a cassette
 * re-keys to it), yet two requests that differ only in a scrubbed value still get two entries, and the same request
 * sent again still hits. The hash reveals no more than the key itself does (an unsalted hash of the whole request).
 * The answer is scrubbed when it is stored: the caller that made the call gets it whole, later hits get what is
 * stored. In an answer, pointers apply to a JSON body and to each JSON line of a stream ({@code data: {...}} events,
 * NDJSON lines); a body that is not JSON is kept as it is.
 */
public final class Redaction {
    /** What replaces a scrubbed value. */
    public static final String PLACEHOLDER = "REDACTED";
    /** None: everything is stored as it came. */
    public static final Redaction NONE = new Redaction(List.of());
    /** The largest answer scrubbed in memory; a larger one with pointers to scrub is not stored. */
    static final long MAX_SCRUBBED_BYTES = 16L * 1024 * 1024;

    private final List<JsonPointer> pointers;
    private final Set<String> headers;

    /** {@code items}: JSON pointers (they start with {@code /}) and header names, as {@code cache/redact} lists them. */
    public Redaction(List<String> items) {
        this.pointers = items.stream().filter(item -> item.startsWith("/")).map(JsonPointer::compile).toList();
        this.headers = items.stream().filter(item -> !item.startsWith("/")).map(item -> item.toLowerCase(Locale.ROOT))
                .collect(Collectors.toUnmodifiableSet());
    }

    public boolean none() {
        return pointers.isEmpty() && headers.isEmpty();
    }

    /** The request body as stored and keyed: a copy with each scrubbed value's placeholder, or itself when none applies. */
    public JsonNode request(JsonNode body) {
        return scrubbed(body, true);
    }

    /**
     * The JSON pointers at which {@code storedBody} (a record's request) holds a request placeholder that this
     * redaction would not write: a cassette recorded with a {@code cache/redact} this proxy lacks. Its request keys
     * by the placeholder, so the request as sent here never matches it.
     */
    public List<String> unknownPlaceholders(JsonNode storedBody) {
        List<String> found = new ArrayList<>();
        placeholders(storedBody, "", found);
        List<String> mine = pointers.stream().map(JsonPointer::toString).toList();
        found.removeIf(mine::contains);
        return found;
    }

    private static void placeholders(JsonNode node, String at, List<String> found) {
        if (node.isTextual() && node.asText().startsWith(PLACEHOLDER + " sha256:")) {
            found.add(at);
        } else if (node.isObject()) {
            node.fields().forEachRemaining(field -> placeholders(field.getValue(),
                    at + "/" + field.getKey().replace("~", "~0").replace("/", "~1"), found));
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                placeholders(node.get(i), at + "/" + i, found);
            }
        }
    }

    /** The request's vary header fields as stored and keyed. */
    public Map<String, String> requestHeaders(Map<String, String> vary) {
        if (headers.isEmpty()) {
            return vary;
        }
        Map<String, String> kept = new TreeMap<>(vary);
        kept.replaceAll((name, value) -> headers.contains(name.toLowerCase(Locale.ROOT)) ? hashed(value) : value);
        return kept;
    }

    /**
     * The answer as stored: its scrubbed header fields and body values replaced; itself when nothing applies. Empty
     * when it cannot be scrubbed (a body past {@value #MAX_SCRUBBED_BYTES} bytes that pointers may reach): it is then
     * not stored, rather than stored with what was to be scrubbed.
     */
    public Optional<CachedResponse> answer(CachedResponse response) {
        boolean anyHeader = response.headers().fields().stream()
                .anyMatch(field -> headers.contains(field.getKey().toLowerCase(Locale.ROOT)));
        Headers kept = !anyHeader ? response.headers() : Headers.of(response.headers().fields().stream()
                .map(field -> headers.contains(field.getKey().toLowerCase(Locale.ROOT))
                        ? Map.entry(field.getKey(), PLACEHOLDER) : field)
                .toList());
        if (pointers.isEmpty() || response.bodyLength() == 0) {
            return Optional.of(with(response, kept, response.bodySource(), response.chunks()));
        }
        if (response.bodyLength() > MAX_SCRUBBED_BYTES) {
            return Optional.empty();
        }
        byte[] body = response.body();
        if (response.isEventStream()) {
            return Optional.of(byLine(response, kept, body));
        }
        JsonNode whole = parse(body, 0, body.length);
        JsonNode scrubbed = whole == null ? null : scrubbed(whole, false);
        if (scrubbed == null || scrubbed == whole) {
            return Optional.of(with(response, kept, response.bodySource(), response.chunks()));
        }
        byte[] bytes = scrubbed.toString().getBytes(StandardCharsets.UTF_8);
        List<Chunk> chunks = response.chunks().isEmpty() ? List.of()
                : List.of(new Chunk(bytes.length, response.chunks().get(response.chunks().size() - 1).atMillis()));
        return Optional.of(with(response, kept, Body.of(bytes), chunks));
    }

    /** A stream (SSE or NDJSON): each line that holds a JSON object, after an optional {@code data:}, scrubbed. */
    private CachedResponse byLine(CachedResponse response, Headers kept, byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length);
        List<long[]> moves = new ArrayList<>(); // [old line end, new line end]
        int start = 0;
        while (start < body.length) {
            int end = start;
            while (end < body.length && body[end] != '\n') {
                end++;
            }
            byte[] line = scrubbedLine(body, start, end);
            out.write(line, 0, line.length);
            if (end < body.length) {
                out.write('\n');
                end++;
            }
            moves.add(new long[] {end, out.size()});
            start = end;
        }
        byte[] bytes = out.toByteArray();
        if (bytes.length == body.length && Arrays.equals(bytes, body)) {
            return with(response, kept, response.bodySource(), response.chunks());
        }
        List<Chunk> chunks = new ArrayList<>();
        for (Chunk chunk : response.chunks()) {
            long moved = bytes.length;
            for (long[] move : moves) {
                if (move[0] >= chunk.end()) {
                    moved = move[1]; // a chunk ends at a line's end (an event's); one in mid-line ends with its line
                    break;
                }
            }
            chunks.add(new Chunk((int) moved, chunk.atMillis()));
        }
        return with(response, kept, Body.of(bytes), chunks);
    }

    private byte[] scrubbedLine(byte[] body, int start, int end) {
        String text = new String(body, start, end - start, StandardCharsets.UTF_8);
        String prefix = "";
        String json = text;
        if (text.startsWith("data:")) {
            prefix = text.startsWith("data: ") ? "data: " : "data:";
            json = text.substring(prefix.length());
        }
        byte[] jsonBytes = json.getBytes(StandardCharsets.UTF_8);
        JsonNode node = json.startsWith("{") || json.startsWith("[") ? parse(jsonBytes, 0, jsonBytes.length) : null;
        JsonNode scrubbed = node == null ? null : scrubbed(node, false);
        if (scrubbed == null || scrubbed == node) {
            return Arrays.copyOfRange(body, start, end);
        }
        return (prefix + scrubbed).getBytes(StandardCharsets.UTF_8);
    }

    /** A copy of {@code root} with the value at each pointer replaced, or {@code root} itself when none is there. */
    private JsonNode scrubbed(JsonNode root, boolean hashed) {
        JsonNode copy = root;
        for (JsonPointer pointer : pointers) {
            if (pointer.matches() || root.at(pointer).isMissingNode()) {
                continue;
            }
            if (copy == root) {
                copy = root.deepCopy();
            }
            JsonNode parent = copy.at(pointer.head());
            JsonNode value = parent.at(pointer.last());
            TextNode placeholder = TextNode.valueOf(hashed ? hashed(value) : PLACEHOLDER);
            if (parent instanceof ObjectNode object) {
                object.set(pointer.last().getMatchingProperty(), placeholder);
            } else if (parent instanceof ArrayNode array) {
                array.set(pointer.last().getMatchingIndex(), placeholder);
            }
        }
        return copy;
    }

    private static String hashed(JsonNode value) {
        return hashed(new String(CanonicalJson.bytes(value), StandardCharsets.UTF_8));
    }

    private static String hashed(String value) {
        return PLACEHOLDER + " sha256:" + Digests.sha256Hex(value.getBytes(StandardCharsets.UTF_8)).substring(0, 16);
    }

    private static JsonNode parse(byte[] bytes, int offset, int length) {
        try {
            return JsonParsers.RESPONSE.readTree(bytes, offset, length);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static CachedResponse with(CachedResponse response, Headers headers, Body body, List<Chunk> chunks) {
        if (headers == response.headers() && body == response.bodySource() && chunks == response.chunks()) {
            return response;
        }
        return new CachedResponse(response.status(), headers, body, chunks, response.storedAtMillis(), response.usage(),
                response.provider(), response.model(), response.ttlMillis());
    }
}
