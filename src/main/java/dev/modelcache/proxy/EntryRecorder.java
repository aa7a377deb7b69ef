package dev.modelcache.proxy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelcache.proxy.Forwarder.Relayed;
import dev.modelcache.cache.Body;
import dev.modelcache.cache.CachedResponse;
import dev.modelcache.cache.StorageVerdict;
import dev.modelcache.cache.StorageVerdict.Verdict;
import dev.modelcache.http.Exchange;
import dev.modelcache.http.HeaderPolicy;
import dev.modelcache.http.Headers;
import dev.modelcache.http.JsonParsers;
import dev.modelcache.http.Redacted;
import dev.modelcache.provider.ModelProvider;
import dev.modelcache.stream.Capture;
import dev.modelcache.stream.StreamEvents;
import dev.modelcache.tokens.Usage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Turns a relayed answer into the entry the cache keeps, with its token counts, and asks {@link StorageVerdict}
 * whether it may be stored. The entry is also what followers of the same flight replay, errors included.
 */
final class EntryRecorder {
    private static final Logger LOG = System.getLogger(EntryRecorder.class.getName());
    /**
     * The most answer bytes (a JSON body read back, or a stream's event data noted as it was relayed, see
     * {@link StreamEvents}) used for token counting. Past it the answer
     * is relayed and stored all the same, and counts only for the usage its provider reports (a stream's last report,
     * a JSON answer's top-level {@code usage}), its text beyond not counted: counting it would hold several copies
     * in the heap at once (bytes, the parsed tree, the text), and a 64 MB answer must not need hundreds of MB of heap
     * to be stored. It is the part of a copy kept in memory ({@code Forwarder.CAPTURE_MEMORY_BYTES}); at 8 MB,
     * counting the text of a 64 MB stream ran a 256 MB heap out.
     */
    static final long COUNTED_BYTES = 1024 * 1024;
    /** Where providers report usage and the model in a JSON answer (OpenAI, Anthropic, Gemini, Ollama). */
    private static final Set<String> REPORTED_FIELDS = Set.of("model", "modelVersion", "usage", "usageMetadata",
            "prompt_eval_count", "eval_count");

    /** When an entry is stored: the clock its lifetime and {@code max-age} are later counted on. */
    private final Clock clock;

    EntryRecorder(Clock clock) {
        this.clock = clock;
    }

    /**
     * The verdict, the entry and the answer's tokens. The entry is null when nothing was kept, or when a 2xx answer
     * may not be stored (followers then make their own attempt rather than replay a broken stream); the tokens are
     * counted all the same: the answer was relayed.
     */
    record Recorded(Verdict verdict, CachedResponse entry, Usage usage) {
    }

    /**
     * Whether the answer may be stored, from what was noted while it was relayed (its status and head, whether its copy
     * was kept, what its events said): no counting and no parse, so it can be known before the rest of the work.
     */
    static Verdict verdict(ModelProvider provider, Relayed answer) {
        if (answer.capture().abandoned()) {
            return StorageVerdict.decide(facts(answer, false, false, false, false));
        }
        StreamEvents events = answer.eventStream() ? answer.events() : null;
        return StorageVerdict.decide(facts(answer, true, events != null && events.sawTerminal(),
                events != null && events.sawError(), provider.streamDialect().terminalRequired()));
    }

    Recorded record(Exchange exchange, ModelProvider provider, Relayed answer) {
        int status = answer.status();
        boolean captured = !answer.capture().abandoned();
        if (!captured) {
            return new Recorded(verdict(provider, answer), null, Usage.NONE);
        }
        Capture capture = answer.capture();
        Body body = capture.spilled().<Body>map(file -> new Body.InFile(file, 0, capture.size()))
                .orElseGet(() -> Body.of(capture.inMemory()));
        boolean success = StorageVerdict.storableStatus(status);
        Usage usage = Usage.NONE;
        boolean error = false;
        if (answer.eventStream()) {
            // What the events said was noted as they passed: the capture (a spill file, for a large answer) is not
            // read back.
            StreamEvents events = answer.events();
            error = events.sawError();
            if (success && !error && events.pastCountingBound()) {
                LOG.log(Level.WARNING, "a stream of " + body.length() + " bytes is past what is read for counting ("
                        + COUNTED_BYTES + " bytes of data): its text beyond is not counted, the usage it reports is");
            }
            if (success && !error) {
                usage = countSafely(() -> provider.streamUsage(exchange.json(), events.data()));
            }
        } else if (success && body.length() > COUNTED_BYTES) {
            LOG.log(Level.WARNING, "an answer of " + body.length() + " bytes is past what is read for counting ("
                    + COUNTED_BYTES + " bytes): only the usage it reports is counted");
            JsonNode reported = reportedFields(body);
            if (reported != null) {
                usage = countSafely(() -> provider.usage(exchange.json(), reported));
            }
        } else if (success && body instanceof Body.InMemory inMemory) {
            JsonNode json = parseJson(inMemory.array());
            if (json != null) {
                usage = countSafely(() -> provider.usage(exchange.json(), json));
            }
        } else if (success) {
            JsonNode json = parseJson(body);
            if (json != null) {
                usage = countSafely(() -> provider.usage(exchange.json(), json));
            }
        }
        Verdict verdict = verdict(provider, answer);
        if (success && !verdict.store()) {
            return new Recorded(verdict, null, usage);
        }
        Headers kept = success ? HeaderPolicy.stored(answer.headers()) : HeaderPolicy.sharedError(answer.headers());
        return new Recorded(verdict, new CachedResponse(status, kept, body, answer.chunks(), clock.millis(),
                usage, provider.name(), provider.model(exchange)), usage);
    }

    private static StorageVerdict.Answer facts(Relayed answer, boolean captured, boolean terminal, boolean error,
                                               boolean terminalRequired) {
        return new StorageVerdict.Answer(answer.status(), answer.eventStream(), answer.framed(), terminal, error,
                captured, Forwarder.stillEncoded(answer.headers()), terminalRequired);
    }

    /**
     * The top-level fields of a JSON answer past the counting bound that name its model and the usage its provider
     * reports, read with a streaming parser from the file: the long text in between is skipped, never held.
     */
    private static JsonNode reportedFields(Body body) {
        try (Body.Reader reader = body.open();
             InputStream in = new BodyInputStream(reader, body.length());
             JsonParser parser = JsonParsers.RESPONSE.createParser(in)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            ObjectNode kept = JsonParsers.RESPONSE.createObjectNode();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                parser.nextToken();
                if (REPORTED_FIELDS.contains(name)) {
                    kept.set(name, parser.readValueAsTree());
                } else {
                    parser.skipChildren();
                }
            }
            return kept;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** A spilled JSON answer under the counting bound, parsed from its file without a copy in one array. */
    private static JsonNode parseJson(Body body) {
        try (Body.Reader reader = body.open()) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream((int) body.length());
            reader.copy(bytes, 0, body.length());
            return parseJson(bytes.toByteArray());
        } catch (IOException e) {
            return null;
        }
    }

    private static JsonNode parseJson(byte[] body) {
        try {
            return body.length == 0 ? null : JsonParsers.RESPONSE.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }

    /** Token counting is bookkeeping: a failure there must not lose the answer. */
    private static Usage countSafely(Supplier<Usage> counting) {
        try {
            return counting.get();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "token counting failed, the entry is stored without counts: " + Redacted.text(e.toString()));
            return Usage.NONE;
        }
    }
}
