package dev.modelcache.stats;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelcache.events.ExchangeSummary;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * Everything counted over one span of time (since start, or since the cache was created): one {@link Tally} over
 * all exchanges, the same split by provider, model, namespace and caller (each split keeps its first
 * {@value #MAX_GROUPS} names, the rest count under {@value #OTHER}), the calls to providers with their failures,
 * and the answers stored. Thread-safe without a lock: the tallies count on adders, and each split is a concurrent map
 * whose size is reserved before a name is added, so threads adding at once never pass {@value #MAX_GROUPS}.
 */
final class Totals {
    static final int MAX_GROUPS = 1000;
    static final String OTHER = "(other)";
    static final String NONE = "(none)";
    private static final Map<String, Function<ExchangeSummary, String>> SPLITS = splits();

    final Instant since;
    final Tally all;
    final Map<String, Split> groups = new LinkedHashMap<>();
    /** The splits of {@link #groups} in the order of {@link #SPLITS}. */
    private final Split[] splits;
    final LongAdder upstreamCalls = new LongAdder();
    final LongAdder upstreamErrors = new LongAdder();
    final LongAdder stored = new LongAdder();
    final LongAdder storedBytes = new LongAdder();

    /** One split's tallies by name: its first {@value #MAX_GROUPS} names, then {@value #OTHER}. */
    static final class Split {
        private final ConcurrentHashMap<String, Tally> tallies = new ConcurrentHashMap<>();
        /** Names taken, counted before a name is put so that threads adding at once cannot pass the cap. */
        private final AtomicInteger names = new AtomicInteger();

        Tally of(String name) {
            String shown = name == null || name.isBlank() ? NONE : name;
            Tally tally = tallies.get(shown);
            if (tally != null) {
                return tally;
            }
            if (names.incrementAndGet() > MAX_GROUPS) {
                names.decrementAndGet();
                return tallies.computeIfAbsent(OTHER, n -> new Tally());
            }
            Tally added = new Tally();
            Tally raced = tallies.putIfAbsent(shown, added);
            if (raced != null) {
                names.decrementAndGet();
                return raced;
            }
            return added;
        }

        /** A tally read from the file: kept as it is, {@value #OTHER} included. */
        void put(String name, Tally tally) {
            if (tallies.put(name, tally) == null && !OTHER.equals(name)) {
                names.incrementAndGet();
            }
        }

        int size() {
            return tallies.size();
        }

        /** The tallies sorted by name, as they are shown and written. */
        SortedMap<String, Tally> sorted() {
            return new TreeMap<>(tallies);
        }
    }

    Totals(Instant since) {
        this(since, new Tally());
    }

    private Totals(Instant since, Tally all) {
        this.since = since;
        this.all = all;
        SPLITS.keySet().forEach(split -> groups.put(split, new Split()));
        this.splits = groups.values().toArray(new Split[0]);
    }

    private static Map<String, Function<ExchangeSummary, String>> splits() {
        Map<String, Function<ExchangeSummary, String>> splits = new LinkedHashMap<>();
        splits.put("byProvider", ExchangeSummary::provider);
        splits.put("byModel", ExchangeSummary::model);
        splits.put("byNamespace", ExchangeSummary::namespace);
        splits.put("byKey", ExchangeSummary::caller);
        return splits;
    }

    void add(ExchangeSummary exchange) {
        all.add(exchange);
        int i = 0;
        for (Function<ExchangeSummary, String> name : SPLITS.values()) {
            splits[i++].of(name.apply(exchange)).add(exchange);
        }
    }

    void upstreamCall(boolean failed) {
        upstreamCalls.increment();
        if (failed) {
            upstreamErrors.increment();
        }
    }

    void stored(long bytes) {
        stored.increment();
        storedBytes.add(Math.max(0, bytes));
    }

    /**
     * The figures as {@code /_cache/stats} shows them; {@code entries}, {@code bytes}, {@code storeFailures} and
     * {@code inFlight} are the store's and the proxy's now, given by the caller.
     */
    ObjectNode toJson(long entries, long bytes, long storeFailures, long inFlight) {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("since", since.toString());
        json.put("requests", all.requests());
        ObjectNode byStatus = json.putObject("byStatus");
        byStatus.put("hit", all.hits());
        byStatus.put("miss", all.misses());
        byStatus.put("refresh", all.refreshes());
        byStatus.put("bypass", all.bypasses());
        byStatus.put("none", all.refused());
        json.put("coalesced", all.coalesced());
        json.put("errors", all.errors());
        json.put("upstreamCalls", upstreamCalls.sum());
        json.put("upstreamErrors", upstreamErrors.sum());
        json.put("hitRatio", all.hitRatio());
        ObjectNode tokens = json.putObject("tokens");
        tokens.set("saved", tokens(all.savedInputTokens(), all.savedOutputTokens()));
        tokens.set("spent", tokens(all.spentInputTokens(), all.spentOutputTokens()));
        ObjectNode usd = json.putObject("usd");
        usd.put("saved", Tally.usd(all.savedUsd()));
        usd.put("spent", Tally.usd(all.spentUsd()));
        json.put("unpriced", all.unpriced());
        json.put("stored", stored.sum());
        json.put("storedBytes", storedBytes.sum());
        json.put("entries", entries);
        json.put("bytes", bytes);
        json.put("storeFailures", storeFailures);
        json.put("inFlight", inFlight);
        groups.forEach((split, tallies) -> {
            ObjectNode shown = json.putObject(split);
            tallies.sorted().forEach((name, tally) -> shown.set(name, tally.toJson()));
        });
        return json;
    }

    private static ObjectNode tokens(long input, long output) {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("input", input);
        json.put("output", output);
        json.put("total", input + output);
        return json;
    }

    /** Every count, for the counters file; {@code storeFailures} is the store's count to carry over. */
    ObjectNode encode(long storeFailures) {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("since", since.toString());
        json.set("all", all.encode());
        json.put("upstreamCalls", upstreamCalls.sum());
        json.put("upstreamErrors", upstreamErrors.sum());
        json.put("stored", stored.sum());
        json.put("storedBytes", storedBytes.sum());
        json.put("storeFailures", storeFailures);
        groups.forEach((split, tallies) -> {
            ObjectNode shown = json.putObject(split);
            tallies.sorted().forEach((name, tally) -> shown.set(name, tally.encode()));
        });
        return json;
    }

    /** Totals as {@link #encode} wrote them. */
    static Totals decode(JsonNode json) {
        Totals totals = new Totals(Instant.parse(json.path("since").asText()), Tally.decode(json.path("all")));
        totals.upstreamCalls.add(json.path("upstreamCalls").asLong());
        totals.upstreamErrors.add(json.path("upstreamErrors").asLong());
        totals.stored.add(json.path("stored").asLong());
        totals.storedBytes.add(json.path("storedBytes").asLong());
        totals.groups.forEach((split, tallies) -> {
            Iterator<Map.Entry<String, JsonNode>> rows = json.path(split).fields();
            while (rows.hasNext() && tallies.size() < MAX_GROUPS + 1) {
                Map.Entry<String, JsonNode> row = rows.next();
                tallies.put(row.getKey(), Tally.decode(row.getValue()));
            }
        });
        return totals;
    }
}
