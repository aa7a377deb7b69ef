package dev.modelcache;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelcache.Forwarder.Relayed;
import dev.modelcache.cache.CachedResponse;
import dev.modelcache.cache.CachedResponse.Chunk;
import dev.modelcache.cache.StorageVerdict;
import dev.modelcache.cache.StorageVerdict.Verdict;
import dev.modelcache.http.Exchange;
import dev.modelcache.http.Headers;
import dev.modelcache.http.JsonParsers;
import dev.modelcache.http.Redacted;
import dev.modelcache.provider.ModelProvider;
import dev.modelcache.stream.SseEvent;
import dev.modelcache.stream.StreamDialect;
import dev.modelcache.stream.StreamFraming;
import dev.modelcache.tokens.Usage;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Turns a relayed answer into the entry the cache keeps, with its token counts, and asks {@link StorageVerdict}
 * whether it may be stored. The entry is also what followers of the same flight replay, errors included.
 */
final class EntryRecorder {
    private static final Logger LOG = System.getLogger(EntryRecorder.class.getName());
    /** Never handed to another client: credentials and cookies (the rate-limit fields, {@code ...-tokens}, are not). */
    private static final Pattern NEVER_SHARED = Pattern.compile("(?i)(?!x-ratelimit-|anthropic-ratelimit-)"
            + "(set-cookie2?|cookie|authorization|proxy-authorization|.*api-key.*|.*secret.*|.*token.*|.*password.*"
            + "|x-cache.*|age)");

    /**
     * The verdict, the entry and the answer's tokens. The entry is null when nothing was kept, or when a 2xx answer
     * may not be stored (followers then make their own attempt rather than replay a broken stream); the tokens are
     * counted all the same: the answer was relayed.
     */
    record Recorded(Verdict verdict, CachedResponse entry, Usage usage) {
    }

    Recorded record(Exchange exchange, ModelProvider provider, Relayed answer) {
        int status = answer.status();
        boolean captured = !answer.capture().abandoned();
        if (!captured) {
            return new Recorded(StorageVerdict.decide(facts(answer, false, false, false, false)), null, Usage.NONE);
        }
        byte[] body = answer.capture().toByteArray();
        boolean success = StorageVerdict.storableStatus(status);
        Usage usage = Usage.NONE;
        boolean terminal = false;
        boolean error = false;
        if (answer.eventStream()) {
            StreamDialect dialect = provider.streamDialect();
            StreamFraming framing = Forwarder.framing(answer.headers());
            List<String> data = new ArrayList<>();
            int from = 0;
            for (Chunk chunk : answer.chunks()) {
                SseEvent event = framing.event(Arrays.copyOfRange(body, from, chunk.end()));
                from = chunk.end();
                error |= dialect.isError(event);
                terminal |= dialect.isTerminal(event);
                if (event.data() != null) {
                    data.add(event.data());
                }
            }
            if (success && !error) {
                usage = countSafely(() -> provider.streamUsage(exchange.json(), data));
            }
        } else if (success) {
            JsonNode json = parseJson(body);
            if (json != null) {
                usage = countSafely(() -> provider.usage(exchange.json(), json));
            }
        }
        Verdict verdict = StorageVerdict.decide(facts(answer, true, terminal, error,
                provider.streamDialect().terminalRequired()));
        if (success && !verdict.store()) {
            return new Recorded(verdict, null, usage);
        }
        Headers kept = success ? CachedResponse.storableHeaders(answer.headers()) : sharedHeaders(answer.headers());
        return new Recorded(verdict, new CachedResponse(status, kept, body, answer.chunks(), System.currentTimeMillis(),
                usage, provider.name(), provider.model(exchange)), usage);
    }

    private static StorageVerdict.Answer facts(Relayed answer, boolean captured, boolean terminal, boolean error,
                                               boolean terminalRequired) {
        return new StorageVerdict.Answer(answer.status(), answer.eventStream(), answer.framed(), terminal, error,
                captured, Forwarder.stillEncoded(answer.headers()), terminalRequired);
    }

    /**
     * The header fields an answer that is not stored (an error) shares with the requests that waited for it: every
     * end-to-end field, so that each client gets {@code Retry-After}, {@code x-ratelimit-*} and the request id, but
     * never credentials or cookies.
     */
    private static Headers sharedHeaders(Headers upstream) {
        return upstream.endToEnd().filter(name -> !NEVER_SHARED.matcher(name).matches());
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
