package dev.modelcache.soak;

import dev.modelcache.support.FaultyUpstream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The soak's load: {@code connections} clients, each sending one request after another for {@code seconds}, each
 * on its own connection, a mix of hits (a small pool of requests asked again and again), misses (requests never
 * asked before), streams, slow readers of large answers, and the upstream's injected faults (429 with
 * Retry-After, a stream reset, a stall past the response timeout, a body cut before its Content-Length; a third of
 * those on a few shared requests, so that they meet coalescing).
 *
 * <p>Every answer is judged by its kind. The proxy's own errors, which must be zero: any 500; any other 5xx or
 * broken answer to a request the upstream answered normally; a normal answer whose body differs from what the
 * upstream sent; an answer that is not HTTP at all; an exception in the client. Expected, and counted: the 429s
 * passed through, a 502 or a broken 200 for a reset or cut upstream answer, a 502 or 504 for a stalled one.</p>
 */
final class Soak {
    enum Kind { HIT_JSON, HIT_SSE, MISS, SLOW, F429, FRESET, FSTALL, FCUT }

    private static final String CHAT = "/v1/chat/completions";
    private final int port;
    private final AtomicLong unique = new AtomicLong();
    final LongAdder requests = new LongAdder();
    final LongAdder hits = new LongAdder();
    final ConcurrentMap<String, LongAdder> statuses = new ConcurrentHashMap<>();
    final ConcurrentMap<Kind, LongAdder> kinds = new ConcurrentHashMap<>();
    final ConcurrentMap<Kind, LongAdder> millis = new ConcurrentHashMap<>();
    final List<String> proxyErrors = new CopyOnWriteArrayList<>();

    Soak(int port) {
        this.port = port;
    }

    /** Runs the load for {@code seconds} on {@code connections} client threads; returns when every client stopped. */
    void run(int connections, int seconds) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        ExecutorService clients = Executors.newFixedThreadPool(connections);
        for (int c = 0; c < connections; c++) {
            Random random = new Random(c * 7919L);
            clients.execute(() -> {
                while (System.nanoTime() < end) {
                    one(random);
                }
            });
        }
        clients.shutdown();
        if (!clients.awaitTermination(seconds + 120L, TimeUnit.SECONDS)) {
            proxyErrors.add("clients still running two minutes after the end");
            clients.shutdownNow();
        }
    }

    private void one(Random random) {
        int roll = random.nextInt(100);
        Kind kind = roll < 35 ? Kind.HIT_JSON : roll < 55 ? Kind.HIT_SSE : roll < 70 ? Kind.MISS : roll < 78 ? Kind.SLOW
                : roll < 84 ? Kind.F429 : roll < 90 ? Kind.FRESET : roll < 94 ? Kind.FSTALL : Kind.FCUT;
        boolean shared = random.nextInt(3) == 0;
        String content = switch (kind) {
            case HIT_JSON -> "ok-json-" + random.nextInt(40);
            case HIT_SSE -> "ok-sse-" + random.nextInt(40);
            case MISS -> "ok-miss-" + unique.incrementAndGet();
            case SLOW -> "big-" + random.nextInt(10);
            case F429 -> "f429-" + (shared ? "shared-" + random.nextInt(3) : unique.incrementAndGet());
            case FRESET -> "freset-" + (shared ? "shared-" + random.nextInt(3) : unique.incrementAndGet());
            case FSTALL -> "fstall-" + (shared ? "shared-" + random.nextInt(3) : unique.incrementAndGet());
            case FCUT -> "fcut-" + (shared ? "shared-" + random.nextInt(3) : unique.incrementAndGet());
        };
        boolean stream = kind == Kind.HIT_SSE || kind == Kind.FRESET || kind == Kind.MISS && random.nextBoolean();
        String json = "{\"model\":\"gpt-4o\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":\""
                + content + "\"}]}";
        requests.increment();
        kinds.computeIfAbsent(kind, k -> new LongAdder()).increment();
        SoakClient.Answer answer;
        long started = System.nanoTime();
        try {
            answer = SoakClient.post(port, CHAT, json, kind == Kind.SLOW);
        } catch (Exception e) {
            proxyErrors.add(kind + " " + content + ": the client failed: " + e);
            return;
        } finally {
            millis.computeIfAbsent(kind, k -> new LongAdder()).add((System.nanoTime() - started) / 1_000_000);
        }
        statuses.computeIfAbsent(answer.status() + code(answer) + (answer.complete() ? "" : " broken"),
                s -> new LongAdder()).increment();
        if (answer.hasHeader("X-Cache", "HIT")) {
            hits.increment();
        }
        String verdict = judge(kind, content, stream, answer);
        if (verdict != null) {
            proxyErrors.add(kind + " " + content + ": " + verdict);
        }
    }

    /** Null when the answer is what its kind expects, else what is wrong. */
    private static String judge(Kind kind, String content, boolean stream, SoakClient.Answer answer) {
        int status = answer.status();
        if (status == 500 || status == 0) {
            return "status " + status + code(answer) + " " + firstLine(answer);
        }
        byte[] sent = stream ? FaultyUpstream.sse(content) : FaultyUpstream.json(content);
        boolean prefix = answer.body().length <= sent.length
                && Arrays.equals(answer.body(), Arrays.copyOf(sent, answer.body().length));
        switch (kind) {
            case HIT_JSON, HIT_SSE, MISS, SLOW -> {
                if (status != 200 || !answer.complete()) {
                    return "status " + status + code(answer) + (answer.complete() ? "" : " broken") + " for a normal answer";
                }
                return Arrays.equals(answer.body(), sent) ? null : "the body differs from what the upstream sent";
            }
            case F429 -> {
                return status == 429 && answer.hasHeader("Retry-After", "1") ? null : "status " + status + " for a 429";
            }
            case FRESET, FCUT -> {
                boolean ok = status == 502 || status == 200 && !answer.complete() && prefix;
                return ok ? null : "status " + status + (answer.complete() ? "" : " broken") + " for a broken upstream answer";
            }
            default -> {
                return status == 502 || status == 504 ? null : "status " + status + " for a stalled upstream";
            }
        }
    }

    /** For a 5xx, the error code of the proxy's error body (" upstream_timeout"), else "". */
    private static String code(SoakClient.Answer answer) {
        if (answer.status() < 500) {
            return "";
        }
        java.util.regex.Matcher code = java.util.regex.Pattern.compile("\"code\"\\s*:\\s*\"([a-z_]+)\"")
                .matcher(new String(answer.body(), java.nio.charset.StandardCharsets.UTF_8));
        return code.find() ? " " + code.group(1) : "";
    }

    private static String firstLine(SoakClient.Answer answer) {
        int end = answer.head().indexOf("\r\n");
        return end < 0 ? answer.head() : answer.head().substring(0, end);
    }

    /** Status counts in order, for the figures. */
    Map<String, Long> statusCounts() {
        Map<String, Long> counts = new TreeMap<>();
        statuses.forEach((s, n) -> counts.put(s, n.sum()));
        return counts;
    }

    Map<String, Long> kindCounts() {
        Map<String, Long> counts = new TreeMap<>();
        kinds.forEach((k, n) -> counts.put(k.name(), n.sum()));
        return counts;
    }

    /** Mean milliseconds per exchange of each kind (figures only, never asserted). */
    Map<String, Long> meanMillis() {
        Map<String, Long> means = new TreeMap<>();
        kinds.forEach((k, n) -> means.put(k.name(), millis.getOrDefault(k, new LongAdder()).sum() / Math.max(1, n.sum())));
        return means;
    }

    /** The first few of the proxy's own errors, for a failure message. */
    List<String> firstErrors() {
        return new ArrayList<>(proxyErrors.subList(0, Math.min(20, proxyErrors.size())));
    }
}
