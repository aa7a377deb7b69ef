package dev.modelcache.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What one part of the benchmark hands the harness, in the parts' contract: {@code {"part","title","rows":[{"name",
 * "value","unit","goal","met","note"}],"environment"}}, written to {@code $BENCH_OUT/<part>.json}. A row may also
 * carry {@code "guard"}: the least value the short run accepts (bench/run --short fails under it).
 */
final class BenchPart {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final ObjectNode root = JSON.createObjectNode();
    private final ArrayNode rows;
    private final ObjectNode environment;

    BenchPart(String part, String title) {
        root.put("part", part);
        root.put("title", title);
        rows = root.putArray("rows");
        environment = root.putObject("environment");
    }

    /** A measured value without a goal. */
    ObjectNode row(String name, double value, String unit) {
        ObjectNode row = rows.addObject();
        row.put("name", name);
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            row.putNull("value");
        } else {
            row.put("value", round(value));
        }
        row.put("unit", unit);
        return row;
    }

    /** A value with its goal ({@code ">= 0.8"} or {@code "<= 2"}), and whether it was met (null when not measured). */
    ObjectNode goal(String name, double value, String unit, String goal) {
        ObjectNode row = row(name, value, unit);
        row.put("goal", goal);
        if (Double.isNaN(value)) {
            row.putNull("met");
        } else {
            double bound = Double.parseDouble(goal.substring(2).trim().split(" ")[0]);
            row.put("met", goal.startsWith(">=") ? value >= bound : value <= bound);
        }
        return row;
    }

    ObjectNode environment() {
        return environment;
    }

    /** The part's document as written. */
    ObjectNode json() {
        return root;
    }

    void write(Path folder) throws IOException {
        Files.createDirectories(folder);
        JSON.writeValue(folder.resolve(root.get("part").asText() + ".json").toFile(), root);
    }

    /** Three significant decimals below 100, whole numbers above: what a table of noisy timings can show. */
    static double round(double value) {
        if (Math.abs(value) >= 100) {
            return Math.round(value);
        }
        return Math.round(value * 1000) / 1000.0;
    }

    /** The values of one measurement over the rounds. */
    static final class Rounds {
        final List<Double> perSecond = new ArrayList<>();
        final List<Double> p50 = new ArrayList<>();
        final List<Double> p99 = new ArrayList<>();
        long errors;

        void add(BenchWrk.Run run) {
            perSecond.add(run.perSecond());
            p50.add(run.p50Millis());
            p99.add(run.p99Millis());
            errors += run.errors();
        }

        double perSecond() {
            return BenchStats.median(perSecond);
        }

        double p50() {
            return BenchStats.median(p50);
        }

        double p99() {
            return BenchStats.median(p99);
        }
    }
}
