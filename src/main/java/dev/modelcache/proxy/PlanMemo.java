package dev.modelcache.proxy;

import dev.modelcache.cache.CacheKey;
import dev.modelcache.cache.RequestRecord;
import dev.modelcache.http.Exchange;
import dev.modelcache.provider.ModelProvider;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The pure part of a plan, remembered by the request's exact bytes, so that a repeated request (every cache hit)
 * does no JSON parse, no canonical JSON and no key digest: which provider and model, whether the body asks for a
 * repeatable answer, the request record and its key, and the canonical body a sequence's later steps are keyed
 * with.
 *
 * <p>What a plan is computed from is the whole request as the pipeline sees it: method, normal path, canonical
 * query, <em>every</em> header field in order (names and values as sent), the proxy-key caller, and the body, whose
 * bytes are compared exactly (a hash only picks the bucket). Every header is part of it rather than a list of the
 * ones that matter today (vary headers, credentials, {@code Content-Type}, {@code X-Cache-Namespace}), so a provider
 * that reads one more header can never be handed another request's plan; a client that sends a header that changes
 * at every request is simply never remembered. Everything stateful (the mode, {@code Cache-Control}, the other
 * {@code X-Cache-*} controls, a sequence's step, freshness) is still decided per request by {@link StoredAnswers}.</p>
 *
 * <p>Bounded: at most {@value #MAX_ENTRIES} plans, of bodies of at most {@value #MAX_BODY_BYTES} bytes (larger ones
 * are planned every time: their parse is small beside their transfer). Reads take no lock; past the bound an insert
 * evicts by a clock sweep (a plan used since the last sweep gets a second chance).</p>
 */
final class PlanMemo {
    /** Plans kept at most. */
    static final int MAX_ENTRIES = 1024;
    /** Largest request body whose plan is kept. */
    static final int MAX_BODY_BYTES = 8 * 1024;

    /** What a plan keeps of its request: all of it that the plan may depend on. */
    static final class Request {
        private final String method;
        private final String path;
        private final String query;
        private final String caller;
        private final List<Map.Entry<String, String>> headers;
        private final byte[] body;
        private final int hash;

        Request(Exchange exchange) {
            this.method = exchange.method();
            this.path = exchange.path();
            this.query = exchange.query();
            this.caller = exchange.caller();
            this.headers = exchange.headers().fields();
            this.body = exchange.body();
            this.hash = Objects.hash(method, path, query, caller, headers) * 31 + hash(body);
        }

        /** A hash of the bytes read eight at a time (four times fewer steps than {@link Arrays#hashCode(byte[])}). */
        private static int hash(byte[] bytes) {
            long h = bytes.length;
            int i = 0;
            for (; i + Long.BYTES <= bytes.length; i += Long.BYTES) {
                h = h * 0x9E3779B97F4A7C15L + (long) LONGS.get(bytes, i);
            }
            for (; i < bytes.length; i++) {
                h = h * 31 + bytes[i];
            }
            return (int) (h ^ (h >>> 32));
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Request that && hash == that.hash && method.equals(that.method)
                    && path.equals(that.path) && Objects.equals(query, that.query)
                    && Objects.equals(caller, that.caller) && headers.equals(that.headers)
                    && Arrays.equals(body, that.body);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    /**
     * A remembered plan: the provider and its model, whether the body is {@linkplain
     * dev.modelcache.cache.CachePolicy#deterministic deterministic} and the path stateful for the provider, the request record (in {@code namespace}, first
     * of any sequence), its key, and the canonical body (null unless the body is JSON).
     */
    static final class Plan {
        final ModelProvider provider;
        final String model;
        final boolean deterministic;
        final boolean stateful;
        final RequestRecord request;
        final CacheKey key;
        final byte[] canonical;
        private volatile boolean used;

        Plan(ModelProvider provider, String model, boolean deterministic, boolean stateful, RequestRecord request,
             CacheKey key, byte[] canonical) {
            this.provider = provider;
            this.model = model;
            this.deterministic = deterministic;
            this.stateful = stateful;
            this.request = request;
            this.key = key;
            this.canonical = canonical;
        }
    }

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final ConcurrentHashMap<Request, Plan> plans = new ConcurrentHashMap<>();

    /** The request's remembered plan, or null. */
    Plan find(Request request) {
        Plan plan = plans.get(request);
        if (plan != null && !plan.used) {
            plan.used = true;
        }
        return plan;
    }

    /** The key under which {@code exchange}'s plan is kept, or null when it is not kept (a large body). */
    static Request of(Exchange exchange) {
        return exchange.body().length > MAX_BODY_BYTES ? null : new Request(exchange);
    }

    /** Remembers {@code plan} for {@code request}, sweeping first when the memo is full. */
    void remember(Request request, Plan plan) {
        if (plans.size() >= MAX_ENTRIES) {
            sweep();
        }
        plans.putIfAbsent(request, plan);
    }

    /** Plans kept now (for tests). */
    int size() {
        return plans.size();
    }

    private synchronized void sweep() {
        int target = MAX_ENTRIES - MAX_ENTRIES / 8;
        while (plans.size() >= target) {
            Iterator<Plan> all = plans.values().iterator();
            while (all.hasNext() && plans.size() >= target) {
                Plan plan = all.next();
                if (plan.used) {
                    plan.used = false;
                } else {
                    all.remove();
                }
            }
        }
    }
}
