package dev.modelcache.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Pattern;

/**
 * The one header policy: which fields go upstream, which are stored with an answer and replayed to others, which the
 * followers of an error see, and which are hop-by-hop and never cross the proxy. Each was decided in its own place
 * before (the forwarder, the upstream client, the entry recorder, the stored-headers list), and two of them
 * disagreed; one class keeps the rules side by side, so a field's fate in each direction can be read in one place.
 *
 * <ul>
 *   <li><b>Hop-by-hop</b> ({@link #endToEnd}): RFC 9110 section 7.6.1's fields, the legacy ones proxies strip,
 *       {@code Host}, {@code Content-Length} (recomputed by whoever writes a body) and every field a
 *       {@code Connection} header names. Never forwarded in either direction.</li>
 *   <li><b>Upstream</b> ({@link #fromClient}, {@link #sendable}): the client's end-to-end fields less the cache's own
 *       controls ({@code X-Cache-*}, {@code Cache-Control}, {@code Pragma}: they are for this cache), less
 *       {@code Accept-Encoding} (the provider answers uncompressed, so the body can be read and stored as it is) and
 *       {@code Expect} (the proxy has the whole body already); and, as the last filter on everything sent, never a
 *       field that carries the proxy's admin token, whichever field that is.</li>
 *   <li><b>Stored</b> ({@link #stored}): an allow-list, since a stored answer goes to many clients and lives long;
 *       see {@link #kept(String)}.</li>
 *   <li><b>Followers of an error</b> ({@link #sharedError}): an error is not stored, but the requests that waited for
 *       it get it too; they see every end-to-end field ({@code Retry-After}, the rate-limit counters, the request id),
 *       never credentials, cookies, the account that made the call, nor the cache's own {@code X-Cache}/{@code Age}.
 *       </li>
 *   <li><b>A client's head</b> ({@link #toClient}): a hit shows only what is stored, whatever the store handed back
 *       (a record or a cassette may be hand-made); any other answer its end-to-end fields.</li>
 * </ul>
 * A field whose value holds a control character (a line break in a hand-made cassette) is never stored nor shared,
 * so it can never split a head.
 */
public final class HeaderPolicy {
    /** The request fields a client's credential (a provider key, or a proxy key) comes in. */
    public static final List<String> CREDENTIAL_HEADERS = List.of("Authorization", "x-api-key", "x-goog-api-key",
            "api-key");
    /** The header that carries the admin token to {@code /_cache/}; never sent upstream. */
    public static final String ADMIN_TOKEN_HEADER = "x-cache-admin-token";

    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-connection",
            "proxy-authenticate", "proxy-authorization", "te", "trailer", "trailers", "transfer-encoding", "upgrade",
            "host", "content-length");

    /** The client's fields that are for this cache or this hop, not the provider. */
    private static final Set<String> NOT_FOR_THE_PROVIDER = Set.of("accept-encoding", "expect", "cache-control",
            "pragma");

    /** Stored: how to read the body, and the request ids a provider's support can look up. */
    private static final Set<String> STORED_NAMES = Set.of("content-type", "x-request-id", "request-id",
            "apim-request-id");
    /** Stored: the providers' own fields ({@code openai-processing-ms}, {@code anthropic-version}...). */
    private static final List<String> STORED_PREFIXES = List.of("openai-", "anthropic-");
    /**
     * Never stored under an allowed prefix: the account that recorded the answer (a shared entry or a cassette in git
     * must not name it), the rate-limit counters (stale the moment they are replayed), anything like a credential.
     */
    private static final Pattern NEVER_STORED = Pattern.compile(
            ".*(organization|project|ratelimit|cookie|auth|key|secret|token|password).*");

    /**
     * Never shown to the followers of an error: credentials and cookies, the account that made the call (as for a
     * stored answer), the cache's own fields. The rate-limit counters ({@code x-ratelimit-remaining-tokens}) are
     * shared: each waiting client paces itself by them.
     */
    private static final Pattern NEVER_SHARED = Pattern.compile("(?!x-ratelimit-|anthropic-ratelimit-)"
            + "(set-cookie2?|cookie|authorization|proxy-authorization|.*api-key.*|.*secret.*|.*token.*|.*password.*"
            + "|.*organization.*|.*project.*|x-cache.*|age)");

    /**
     * The {@link #kept} verdict of each response field name seen, so the allow-list's prefixes and pattern are read
     * once per name, not once per field of every answer; bounded, past it a name is decided each time.
     */
    private static final ConcurrentHashMap<String, Boolean> KEPT = new ConcurrentHashMap<>();
    private static final int MAX_KEPT_NAMES = 1024;
    private static final LongAdder VERDICTS = new LongAdder();

    /** The characters of an HTTP token (RFC 9110); checked by hand, as every hit's head checks each of its names. */
    private static final String TOKEN_SYMBOLS = "!#$%&'*+.^_`|~-";

    private HeaderPolicy() {
    }

    /** True for a hop-by-hop field (or {@code Host}, {@code Content-Length}): it never crosses the proxy. */
    public static boolean hopByHop(String name) {
        return HOP_BY_HOP.contains(lower(name));
    }

    /** End-to-end fields only: drops the hop-by-hop ones and every field a {@code Connection} header names. */
    public static Headers endToEnd(Headers fields) {
        List<String> named = new ArrayList<>();
        for (Map.Entry<String, String> field : fields.fields()) {
            if (field.getKey().equalsIgnoreCase("connection")) {
                for (String token : field.getValue().split(",")) {
                    named.add(lower(token.trim()));
                }
            }
        }
        return fields.filter(name -> !hopByHop(name) && !named.contains(lower(name)));
    }

    /** True when a client's field of this name is for this cache or this hop and never goes to the provider. */
    public static boolean neverUpstream(String name) {
        String lower = lower(name);
        return lower.startsWith("x-cache") || NOT_FOR_THE_PROVIDER.contains(lower) || HOP_BY_HOP.contains(lower);
    }

    /** The client's fields that go upstream (the provider's key and required fields are added to these). */
    public static Headers fromClient(Headers client) {
        return endToEnd(client).filter(name -> !neverUpstream(name));
    }

    /**
     * The last filter on every request sent upstream, whatever built it: no field that {@link #neverUpstream} names,
     * and no field whose value holds {@code adminToken} (null or blank: none configured), so the admin token never
     * leaves the proxy even when a client sends it as {@code Authorization: Bearer} to a provider's path by mistake.
     */
    public static Headers sendable(Headers outgoing, String adminToken) {
        String token = adminToken == null || adminToken.isBlank() ? null : adminToken.strip();
        return Headers.of(outgoing.fields().stream()
                .filter(field -> !neverUpstream(field.getKey()))
                .filter(field -> token == null || field.getValue() == null || !field.getValue().contains(token))
                .toList());
    }

    /** True when a request field of this name may carry a client's credential. */
    public static boolean credential(String name) {
        return CREDENTIAL_HEADERS.stream().anyMatch(known -> known.equalsIgnoreCase(name));
    }

    /** True for a non-empty HTTP token: what a field name must be. */
    private static boolean token(String name) {
        if (name == null || name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean alnum = c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z';
            if (!alnum && TOKEN_SYMBOLS.indexOf(c) < 0) {
                return false;
            }
        }
        return true;
    }

    /** True when a response field of this name is stored with an answer and replayed. */
    public static boolean kept(String name) {
        Boolean known = name == null ? null : KEPT.get(name);
        if (known != null) {
            return known;
        }
        boolean verdict = decideKept(name);
        VERDICTS.increment();
        if (name != null && KEPT.size() < MAX_KEPT_NAMES) {
            KEPT.put(name, verdict);
        }
        return verdict;
    }

    /**
     * Names whose {@link #kept} verdict was worked out (not remembered) since start, in this JVM: a hit's head,
     * whose fields are stored ones, works out none.
     */
    public static long keptVerdicts() {
        return VERDICTS.sum();
    }

    private static boolean decideKept(String name) {
        if (!token(name)) {
            return false;
        }
        String lower = lower(name);
        if (STORED_NAMES.contains(lower)) {
            return true;
        }
        return STORED_PREFIXES.stream().anyMatch(lower::startsWith) && !NEVER_STORED.matcher(lower).matches();
    }

    /**
     * The fields of an answer that are stored and replayed, in order: applied when an answer is stored, when a
     * record, a cassette or an Ehcache value is read back, and when a hit's head is written.
     */
    public static Headers stored(Headers fields) {
        if (fields.isStored()) {
            return fields;
        }
        for (Map.Entry<String, String> field : fields.fields()) {
            if (!kept(field.getKey()) || !safeValue(field.getValue())) {
                return Headers.of(fields.fields().stream().filter(f -> kept(f.getKey()) && safeValue(f.getValue()))
                        .toList()).markedStored();
            }
        }
        return fields.markedStored(); // all kept already: no copy
    }

    /** True when a field of an error's answer is shown to the requests that waited for it. */
    public static boolean shared(String name) {
        return token(name) && !NEVER_SHARED.matcher(lower(name)).matches();
    }

    /** The fields of an error's answer (never stored) that the requests which waited for it see. */
    public static Headers sharedError(Headers upstream) {
        return Headers.of(endToEnd(upstream).fields().stream()
                .filter(f -> shared(f.getKey()) && safeValue(f.getValue())).toList());
    }

    /** The fields a client's head shows: for a hit what is {@linkplain #stored stored}, else the end-to-end ones. */
    public static Headers toClient(Headers fields, boolean hit) {
        return hit ? stored(fields) : endToEnd(fields);
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

    private static String lower(String name) {
        return name == null ? "" : name.toLowerCase(Locale.ROOT);
    }
}
