package dev.modelcache.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON a benchmark part writes to {@code $BENCH_OUT/<part>.json}: {@code {"part","title","rows":[{"name","value",
 * "unit","goal","met","note"}],"environment"}}, and the percentiles its rows are made of (nearest rank over all
 * samples: these parts keep every sample, a few thousand at most).
 */
public final class StreamPartReport {
    private final String part;
    private final String title;
    private final List<Map<String, Object>> rows = new ArrayList<>();
    private final Map<String, Object> environment = new LinkedHashMap<>();

    public StreamPartReport(String part, String title) {
        this.part = part;
        this.title = title;
    }

    /** Adds a row; {@code goal}, {@code met} and {@code note} may be null (left out). */
    public StreamPartReport row(String name, double value, String unit, String goal, Boolean met, String note) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("name", name);
        row.put("value", Double.isFinite(value) ? Math.round(value * 1000) / 1000.0 : null);
        row.put("unit", unit);
        if (goal != null) {
            row.put("goal", goal);
            row.put("met", met);
        }
        if (note != null) {
            row.put("note", note);
        }
        rows.add(row);
        return this;
    }

    public StreamPartReport environment(String key, Object value) {
        environment.put(key, value);
        return this;
    }

    /** Writes {@code <out>/<part>.json} and returns its path. */
    public Path write(Path out) throws IOException {
        Files.createDirectories(out);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("part", part);
        json.put("title", title);
        json.put("rows", rows);
        environment.put("cores", Runtime.getRuntime().availableProcessors());
        environment.put("java", System.getProperty("java.version"));
        json.put("environment", environment);
        Path file = out.resolve(part + ".json");
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), json);
        return file;
    }

    /** The {@code p}-th percentile (0..100) of {@code values}, nearest rank; NaN when empty. */
    public static double percentile(double[] values, double p) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    public static double max(double[] values) {
        return Arrays.stream(values).max().orElse(Double.NaN);
    }

    /** The project folder: {@code BENCH_ROOT}, else the working folder. */
    public static Path root() {
        return Path.of(System.getenv().getOrDefault("BENCH_ROOT", ".")).toAbsolutePath().normalize();
    }

    /** The output folder: {@code BENCH_OUT}, else {@code target/bench}. */
    public static Path out() {
        return Path.of(System.getenv().getOrDefault("BENCH_OUT", root().resolve("target/bench").toString()));
    }

    /** The launcher's class path: the project's compiled classes, then the entries of the file {@code BENCH_CP}. */
    public static String proxyClasspath() throws IOException {
        Path root = root();
        String cp = System.getenv("BENCH_CP");
        String deps = cp == null ? System.getProperty("java.class.path") : Files.readString(Path.of(cp)).trim();
        return root.resolve("target/classes") + java.io.File.pathSeparator + deps;
    }

    /** Deletes a folder and everything in it, quietly (a benchmark's temporary cache folder). */
    public static void deleteTree(Path folder) {
        try (var paths = Files.walk(folder)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            System.err.println("could not delete " + folder + ": " + e.getMessage());
        }
    }

    public static int intEnv(String name, int fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : Integer.parseInt(value.trim());
    }
}
