package dev.modelcache.junit5;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Reads {@code GET /_cache/report} for one namespace and writes what a person needs from it: each miss with the
 * nearest recording and the JSON paths that differ, each unused recording with its cassette file.
 */
final class MissReport {
    private MissReport() {
    }

    /** The report's misses in {@code namespace} (every miss the proxy kept, oldest first). */
    static List<Object> misses(Object report, String namespace) {
        List<Object> found = new ArrayList<>();
        for (Object miss : Json.list(report, "misses")) {
            if (namespace.equals(Json.text(miss, "namespace"))) {
                found.add(miss);
            }
        }
        return found;
    }

    /** The keys (short ids) of the misses that went to the provider (and were recorded, if the answer was storable). */
    static List<String> recordedKeys(List<Object> misses) {
        List<String> keys = new ArrayList<>();
        for (Object miss : misses) {
            if (!"504 cache_miss".equals(Json.text(miss, "answered"))) {
                keys.add(Json.text(miss, "key"));
            }
        }
        return keys;
    }

    /**
     * A test's misses in replay as the assertion error that fails it: each request with the nearest recording and
     * the JSON paths that differ, and how to record them.
     */
    static AssertionError failure(List<Object> misses, String test, Path folder) {
        StringBuilder message = new StringBuilder("ModelCache (replay): ").append(misses.size())
                .append(misses.size() == 1 ? " request of " : " requests of ").append(test)
                .append(misses.size() == 1 ? " was" : " were").append(" not recorded in ").append(folder).append(':');
        for (Object miss : misses) {
            message.append("\n  ").append(describe(miss).replace("\n", "\n  "));
        }
        message.append("\nRecord with -D" + Mode.PROPERTY + "=auto (what is missing) or =record (everything).");
        return new AssertionError(message.toString());
    }

    /** One miss: the request, then the explanation's summary, causes and differences, indented. */
    static String describe(Object miss) {
        StringBuilder out = new StringBuilder();
        out.append(Json.text(miss, "method")).append(' ').append(Json.text(miss, "path"));
        String model = Json.text(miss, "model");
        if (model != null) {
            out.append(" (").append(model).append(')');
        }
        String sequence = Json.text(miss, "sequence");
        if (sequence != null) {
            out.append(", answer ").append(sequence).append(" of a sequence");
        }
        out.append(", key ").append(Json.text(miss, "key"));
        Object explanation = Json.field(miss, "explanation");
        String summary = Json.text(explanation, "summary");
        if (summary != null) {
            out.append("\n    ").append(summary);
        }
        for (Object cause : Json.list(explanation, "causes")) {
            out.append("\n    cause: ").append(cause);
        }
        for (Object difference : Json.list(explanation, "differences")) {
            out.append("\n    ").append(Json.text(difference, "path")).append(": recorded ")
                    .append(Json.text(difference, "stored")).append(", sent ").append(Json.text(difference, "request"));
        }
        String more = Json.text(explanation, "moreDifferences");
        if (more != null && !more.equals("0")) {
            out.append("\n    and ").append(more).append(" more differences");
        }
        return out.toString();
    }

    /**
     * The report's unused recordings of the namespace, but for {@code recorded} (answers this run stored from the
     * provider, which count as unused until asked again); each as its cassette file below {@code folder} when one
     * is there, else as its request.
     */
    static List<String> unused(Object report, List<String> recorded, Path folder) {
        List<String> unused = new ArrayList<>();
        for (Object entry : Json.list(report, "unused")) {
            String key = Json.text(entry, "key");
            if (key == null || recorded.contains(key)) {
                continue;
            }
            unused.add(file(folder, key).map(Path::toString).orElse(Json.text(entry, "method") + " "
                    + Json.text(entry, "path") + " (" + Json.text(entry, "model") + "), key " + key));
        }
        return unused;
    }

    /** The cassette file {@code <model>-<key>.mcr} below {@code folder}, if there is one. */
    private static java.util.Optional<Path> file(Path folder, String key) {
        if (!Files.isDirectory(folder)) {
            return java.util.Optional.empty();
        }
        try (Stream<Path> files = Files.walk(folder)) {
            return files.filter(f -> f.getFileName().toString().endsWith("-" + key + ".mcr")).findFirst();
        } catch (IOException e) {
            return java.util.Optional.empty();
        }
    }
}
