package dev.modelcache.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One part's result file, {@code $BENCH_OUT/<part>.json}, in the shape the harness (bench/run) merges:
 * {@code {"part","title","rows":[{"name","value","unit","goal"?,"met"?,"note"?}],"environment":{...}}}.
 */
public final class UnitReport {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private final String part;
    private final ObjectNode root = JSON.createObjectNode();
    private final ArrayNode rows;
    private final ObjectNode environment;

    public UnitReport(String part, String title) {
        this.part = part;
        root.put("part", part);
        root.put("title", title);
        rows = root.putArray("rows");
        environment = root.putObject("environment");
        environment.put("java", System.getProperty("java.version"));
        environment.put("cores", Runtime.getRuntime().availableProcessors());
        environment.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        environment.put("maxHeapMB", Runtime.getRuntime().maxMemory() / (1024 * 1024));
    }

    /** A row without a goal. */
    public UnitReport row(String name, double value, String unit, String note) {
        return row(name, value, unit, null, null, note);
    }

    /** A row with its goal and whether it was met (null: not judged). */
    public UnitReport row(String name, double value, String unit, String goal, Boolean met, String note) {
        ObjectNode row = rows.addObject();
        row.put("name", name);
        row.put("value", Math.round(value * 1000) / 1000.0);
        row.put("unit", unit);
        if (goal != null) {
            row.put("goal", goal);
            if (met == null) {
                row.putNull("met");
            } else {
                row.put("met", met);
            }
        }
        if (note != null) {
            row.put("note", note);
        }
        return this;
    }

    /** Extra facts about how the part ran (settings, counts, proofs). */
    public ObjectNode environment() {
        return environment;
    }

    /** Writes {@code <dir>/<part>.json} ({@code dir} from {@code BENCH_OUT}, else target/bench) and prints it. */
    public Path write() throws IOException {
        String out = System.getenv("BENCH_OUT");
        Path dir = Path.of(out == null || out.isBlank() ? "target/bench" : out);
        Files.createDirectories(dir);
        Path file = dir.resolve(part + ".json");
        String text = JSON.writeValueAsString(root);
        Files.writeString(file, text + "\n");
        System.out.println(text);
        return file;
    }
}
