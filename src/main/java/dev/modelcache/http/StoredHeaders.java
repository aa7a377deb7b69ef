package dev.modelcache.http;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The one allow-list of response header fields a stored answer keeps and replays. A cached answer goes to many
 * clients and lives long; a record file or a cassette may be written by hand or by an older version. So the cache
 * keeps only what a client needs to read the body and what names the answer, and it applies the same list when an
 * answer is stored, when a record, a cassette or an Ehcache value is read back, and when a hit's head is written:
 * <ul>
 *   <li>{@code Content-Type}: how to read the body (JSON, server-sent events, NDJSON);</li>
 *   <li>the request ids ({@code x-request-id}, Anthropic's {@code request-id}, Azure's {@code apim-request-id}):
 *       the id of the answer replayed, which a provider's support can look up;</li>
 *   <li>the providers' own {@code openai-*} and {@code anthropic-*} fields ({@code openai-processing-ms},
 *       {@code openai-version}, {@code openai-model}...), less those that name the account that recorded the answer
 *       ({@code openai-organization}, {@code openai-project}, {@code anthropic-organization-id}: a shared entry or a
 *       cassette in git must not name it) and the rate-limit counters (stale the moment they are replayed, and
 *       misleading to a client that paces itself by them).</li>
 * </ul>
 * Everything else is dropped, by name: framing the proxy computes itself ({@code Content-Length},
 * {@code Transfer-Encoding}: both at once would make an ambiguous message), hop-by-hop fields ({@code Connection},
 * {@code Keep-Alive}, {@code Upgrade}, {@code TE}, {@code Trailer}, {@code Proxy-*}), cookies and credentials,
 * dates and caching fields that would be false when replayed ({@code Date}, {@code Age}, {@code Expires},
 * {@code Cache-Control}, {@code ETag}), {@code Content-Encoding} (a stored body is never encoded),
 * {@code Alt-Svc} and {@code Strict-Transport-Security} (they speak for the provider's host, not this proxy's), and
 * whatever else a provider's infrastructure adds. A field whose name is not an HTTP token or whose value holds a
 * control character (a line break in a hand-made cassette) is dropped too, so it can never split the head.
 * A fresh answer is relayed to the client that asked for it as the provider sent it (less hop-by-hop fields); only
 * what is kept for others goes through this list.
 */
public final class StoredHeaders {
    private static final Set<String> NAMES = Set.of("content-type", "x-request-id", "request-id", "apim-request-id");
    private static final List<String> PREFIXES = List.of("openai-", "anthropic-");
    /** Never kept under an allowed prefix: the recording account, rate-limit counters, anything like a credential. */
    private static final Pattern NEVER = Pattern.compile(
            ".*(organization|project|ratelimit|cookie|auth|key|secret|token|password).*");
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

    private StoredHeaders() {
    }

    /** True when a field of this name is stored and replayed. */
    public static boolean kept(String name) {
        if (name == null || !TOKEN.matcher(name).matches()) {
            return false;
        }
        String lower = name.toLowerCase(Locale.ROOT);
        if (NAMES.contains(lower)) {
            return true;
        }
        return PREFIXES.stream().anyMatch(lower::startsWith) && !NEVER.matcher(lower).matches();
    }

    /** The fields of {@code fields} that a stored answer keeps, in their order, with their values. */
    public static Headers of(Headers fields) {
        return Headers.of(fields.fields().stream().filter(f -> kept(f.getKey()) && safeValue(f.getValue())).toList());
    }

    /** A value without control characters other than a horizontal tab (RFC 9110 section 5.5). */
    private static boolean safeValue(String value) {
        if (value == null) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 && c != '\t' || c == 0x7f) {
                return false;
            }
        }
        return true;
    }
}
