package dev.modelcache.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * What the {@code cluster} part measured ({@link ClusterBench}), gathered over the rounds and written as
 * {@code $BENCH_OUT/cluster.json}: each figure the median of its rounds, no goals (the issue sets none). It also
 * proves the hits were what they are called: every measured answer a HIT, and B's store counted every read of the
 * rounds as a tier hit (near cache or cluster) and none from its record.
 */
final class ClusterReport {
    private static final String[][] KINDS = {{"clustered", "clustered hit (stored by A, first read on B)"},
            {"near", "near-cache hit (B, read again)"}, {"local", "local-only hit (C, no cluster)"},
            {"renamed", "near-cache hit of new request bytes (B, planned afresh)"}};

    private final ClusterBench bench;
    private final Map<String, List<ClusterLoad.Block>> blocks = new LinkedHashMap<>();
    private final Map<String, BenchPart.Rounds> wrk = new LinkedHashMap<>();
    private final List<ClusterFollower.Round> followers = new ArrayList<>();
    private final Map<String, List<Map<String, Double>>> cpu = new LinkedHashMap<>();

    ClusterReport(ClusterBench bench) {
        this.bench = bench;
    }

    /** A Java block of kind {@code clustered}, {@code near} or {@code local}, at 1 ({@code |1}) or 16 ({@code |n}). */
    void add(String key, ClusterLoad.Block block) {
        blocks.computeIfAbsent(key, k -> new ArrayList<>()).add(block);
    }

    /** A wrk run of kind {@code near} or {@code local}. */
    void add(String kind, BenchWrk.Run run) {
        wrk.computeIfAbsent(kind, k -> new BenchPart.Rounds()).add(run);
    }

    /** CPU per request of each process in one block at 16 connections of {@code kind} ({@link ClusterCpu}). */
    void cpu(String kind, Map<String, Double> perRequest) {
        cpu.computeIfAbsent(kind, k -> new ArrayList<>()).add(perRequest);
    }

    void add(ClusterFollower.Round round) {
        followers.add(round);
    }

    /** Writes the rows; then fails if an answer was not of the kind measured (the rows are written all the same). */
    void write(JsonNode bBefore, JsonNode bAfter) throws IOException {
        int n = ClusterBench.CONNECTIONS;
        BenchPart part = new BenchPart("cluster", "Hits through the clustered tier (a stripe of " + bench.servers
                + " Terracotta server" + ("1".equals(bench.servers) ? "" : "s") + ") beside near-cache and local-only"
                + " hits, and a follower's wait on another instance (medians of " + bench.rounds + " rounds)");
        for (String[] kind : KINDS) {
            List<ClusterLoad.Block> one = blocks.get(kind[0] + "|1");
            ObjectNode p50 = part.row(kind[1] + ", 1 conn: p50", median(one, x -> x.millis(50)), "ms");
            p50.put("note", bench.latencyKeys + " requests per round, Java, sequential on one connection");
            one.forEach(x -> p50.withArray("rounds").add(BenchPart.round(x.millis(50))));
            part.row(kind[1] + ", 1 conn: p99", median(one, x -> x.millis(99)), "ms");
        }
        for (String[] kind : KINDS) {
            List<ClusterLoad.Block> many = blocks.get(kind[0] + "|n");
            ObjectNode row = part.row(kind[1] + ", " + n + " conn (Java): throughput",
                    median(many, ClusterLoad.Block::perSecond), "req/s");
            many.forEach(x -> row.withArray("rounds").add(Math.round(x.perSecond())));
            row.put("note", bench.throughputKeys + " requests per round, closed loop");
            part.row(kind[1] + ", " + n + " conn (Java): p50", median(many, x -> x.millis(50)), "ms");
            part.row(kind[1] + ", " + n + " conn (Java): p99", median(many, x -> x.millis(99)), "ms");
        }
        for (String[] kind : new String[][] {KINDS[1], KINDS[2]}) {
            BenchPart.Rounds r = wrk.get(kind[0]);
            ObjectNode row = part.row(kind[1] + ", " + n + " conn (wrk): throughput", r.perSecond(), "req/s");
            r.perSecond.forEach(v -> row.withArray("rounds").add(Math.round(v)));
            row.put("note", (r.errors > 0 ? r.errors + " errors or non-2xx; " : "") + "wrk -t1, "
                    + bench.seconds + " s per round, over " + ClusterBench.NEAR_KEYS + " entries in turn");
            part.row(kind[1] + ", " + n + " conn (wrk): p50", r.p50(), "ms");
            part.row(kind[1] + ", " + n + " conn (wrk): p99", r.p99(), "ms");
        }
        part.row("clustered hit / local-only hit, 1 conn p50", BenchStats.ratio(median(blocks.get("clustered|1"),
                x -> x.millis(50)), median(blocks.get("local|1"), x -> x.millis(50))), "x");
        part.row("clustered hit / local-only hit, " + n + " conn (Java) throughput", BenchStats.ratio(
                median(blocks.get("clustered|n"), ClusterLoad.Block::perSecond),
                median(blocks.get("local|n"), ClusterLoad.Block::perSecond)), "x");
        part.row("clustered hit minus near-cache hit of new bytes, 1 conn p50", median(blocks.get("clustered|1"),
                x -> x.millis(50)) - median(blocks.get("renamed|1"), x -> x.millis(50)), "ms")
                .put("note", "the cluster's part of a clustered hit: both are planned afresh");
        part.row("near-cache hit / local-only hit, " + n + " conn (wrk) throughput",
                BenchStats.ratio(wrk.get("near").perSecond(), wrk.get("local").perSecond()), "x");
        cpuRows(part);
        followerRows(part);

        ObjectNode environment = part.environment();
        environment.put("proxies", "A and B: cache/clusterUri to the stripe, cache/clusterMB=256, one cache/keySalt;"
                + " C: no cluster; all cache/heapMB=128, the other settings their defaults, the access log on");
        environment.put("placement", "the Terracotta servers and the three proxies pinned to the server core once"
                + " started, stored and warmed up; this Java client and wrk on the load core");
        environment.put("entriesStoredThroughA", bench.entries());
        long notHit = blocks.values().stream().flatMap(List::stream).mapToLong(ClusterLoad.Block::unexpected).sum();
        environment.put("measuredAnswersNotHit", notHit);
        ObjectNode proof = environment.putObject("bStoreDuringRounds");
        for (String field : new String[] {"reads", "tierHits", "recordHits", "writes", "tierFailures"}) {
            proof.put(field, bAfter.path(field).asLong() - bBefore.path(field).asLong());
        }
        part.write(bench.env.out());
        if (notHit > 0 || proof.path("recordHits").asLong() != 0 || proof.path("writes").asLong() != 0
                || proof.path("reads").asLong() != proof.path("tierHits").asLong()) {
            throw new IllegalStateException("answers were not of the kind measured: " + environment);
        }
    }

    /**
     * CPU per request at 16 connections, process by process (medians of the rounds): where a clustered hit's cost
     * lies, beside a near-cache hit of new bytes (planned afresh too) and a near-cache and local-only hit.
     */
    private void cpuRows(BenchPart part) {
        for (String[] kind : new String[][] {KINDS[0], KINDS[3], KINDS[1], KINDS[2]}) {
            List<Map<String, Double>> rounds = cpu.getOrDefault(kind[0], List.of());
            if (rounds.isEmpty() || rounds.get(0).isEmpty()) {
                continue;
            }
            List<String> processes = kind[0].equals("local") ? List.of("c") : List.of("b", "active", "passive");
            for (String process : processes) {
                if (rounds.get(0).containsKey(process)) {
                    double median = BenchStats.median(rounds.stream().map(r -> r.get(process)).toList());
                    part.row("CPU per " + kind[1] + ", " + ClusterBench.CONNECTIONS + " conn: " + name(process),
                            median, "ms").put("note", "user + system time of the process over the block, per request");
                }
            }
        }
    }

    private static String name(String process) {
        return switch (process) {
            case "a" -> "proxy A";
            case "b" -> "proxy B";
            case "c" -> "proxy C";
            case "active" -> "Terracotta active";
            case "passive" -> "Terracotta passive";
            default -> process;
        };
    }

    /**
     * The follower's figures, over the rounds that went as designed: A called (MISS) and B replayed its answer (HIT).
     * On a loaded machine A's request may reach its proxy after B's; then B holds the lease and A waits: such a
     * round is counted, not measured.
     */
    private void followerRows(BenchPart part) {
        List<ClusterFollower.Round> measured = followers.stream()
                .filter(r -> r.holderMissed() && r.followerHit()).toList();
        long[] lag = sorted(measured, ClusterFollower.Round::lagNanos);
        long[] difference = sorted(measured, r -> r.followerNanos() - r.holderNanos());
        long[] holder = sorted(measured, ClusterFollower.Round::holderNanos);
        long[] follower = sorted(measured, ClusterFollower.Round::followerNanos);
        long[] offset = sorted(measured, ClusterFollower.Round::offsetNanos);
        long swapped = followers.stream().filter(r -> !r.holderMissed() && !r.followerHit()).count();
        long twoCalls = followers.stream().filter(r -> r.holderMissed() && !r.followerHit()).count();
        String setting = "provider " + bench.providerMillis + " ms; B asked " + bench.offsetMillis + " ms after A ("
                + BenchPart.round(ms(offset, 50)) + " ms measured, p50); " + measured.size() + " rounds, each a new"
                + " prompt";
        part.row("follower on B: its answer after A's, p50", ms(lag, 50), "ms").put("note",
                "B's answer complete minus A's answer complete; " + setting);
        part.row("follower on B: its answer after A's, p99", ms(lag, 99), "ms");
        part.row("follower on B: B's total minus A's total, p50", ms(difference, 50), "ms").put("note",
                "each from its own send to its answer");
        part.row("follower on B: B's total minus A's total, p99", ms(difference, 99), "ms");
        part.row("holder A (MISS, calls the provider): total, p50", ms(holder, 50), "ms");
        part.row("follower B: total, p50", ms(follower, 50), "ms");
        part.row("follower B: total, p99", ms(follower, 99), "ms");
        part.row("follower rounds as designed (A MISS, B replays it as a HIT)", measured.size(),
                "of " + followers.size()).put("note", swapped + " with the roles swapped (B called, A waited); "
                + twoCalls + " where both called the provider");
        part.environment().put("followerRoundsBothCalled", twoCalls);
    }

    private static long[] sorted(List<ClusterFollower.Round> rounds,
                                 java.util.function.ToLongFunction<ClusterFollower.Round> figure) {
        return BenchStats.sorted(rounds.stream().mapToLong(figure).toArray());
    }

    private static double median(List<ClusterLoad.Block> blocks, Function<ClusterLoad.Block, Double> figure) {
        return BenchStats.median(blocks.stream().map(figure).toList());
    }

    private static double ms(long[] sortedNanos, double percentile) {
        return BenchStats.percentile(sortedNanos, percentile) / 1e6;
    }
}
