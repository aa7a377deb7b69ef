package dev.modelcache.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The harness's last step (bench/run): merges every part's {@code <part>.json} into {@code results.json}, with the
 * machine's facts, and writes {@code results.md}, one table of part, measurement, value, unit, goal and whether it was
 * met. A part that ended without its JSON (or with a {@code <part>.failed} file from the harness) is a failed row,
 * not a crash. With {@code --guard} (the short run in CI) it exits 3 when a row's value is under its {@code guard},
 * or when no guarded row was measured at all.
 *
 * <p>Arguments: {@code partsFolder resultsFolder part...} (the parts that ran), then {@code --guard} optionally.
 * System properties: {@code bench.commit}, {@code bench.mode}, {@code bench.loadBefore}, {@code bench.loadAfter},
 * {@code bench.serverCpu}, {@code bench.loadCpu}.
 */
public final class BenchReport {
    private BenchReport() {
    }

    public static void main(String[] args) throws IOException {
        Path partsFolder = Path.of(args[0]);
        Path results = Path.of(args[1]);
        boolean guard = List.of(args).contains("--guard");
        Map<String, JsonNode> parts = new TreeMap<>();
        Map<String, String> failures = new TreeMap<>();
        for (String name : List.of(args).subList(2, args.length)) {
            if (name.startsWith("--")) {
                continue;
            }
            Path json = partsFolder.resolve(name + ".json");
            Path failed = partsFolder.resolve(name + ".failed");
            if (Files.exists(failed)) {
                failures.put(name, Files.readString(failed, StandardCharsets.UTF_8).strip());
            } else if (!Files.exists(json)) {
                failures.put(name, "the part wrote no " + json.getFileName());
            } else {
                try {
                    parts.put(name, BenchPart.JSON.readTree(json.toFile()));
                } catch (IOException e) {
                    failures.put(name, "unreadable " + json.getFileName() + ": " + e.getMessage());
                }
            }
        }
        ObjectNode merged = merge(parts, failures, machine());
        List<String> guardProblems = guard ? guard(merged) : List.of();
        if (guard) {
            merged.putPOJO("guard", Map.of("passed", guardProblems.isEmpty(), "problems", guardProblems));
        }
        Files.createDirectories(results);
        BenchPart.JSON.writeValue(results.resolve("results.json").toFile(), merged);
        String table = markdown(merged);
        Files.writeString(results.resolve("results.md"), table, StandardCharsets.UTF_8);
        System.out.print(table);
        for (String problem : guardProblems) {
            System.out.println("GUARD FAILED: " + problem);
        }
        if (guard && guardProblems.isEmpty()) {
            System.out.println("guard passed: hit throughput is above its bound against the bare servlet's in this run");
        }
        if (!guardProblems.isEmpty()) {
            System.exit(3);
        }
    }

    /** One document: when, the machine, and every part (a failed part as {@code {"part","failed":true,"error"}}). */
    static ObjectNode merge(Map<String, JsonNode> parts, Map<String, String> failures, ObjectNode machine) {
        ObjectNode merged = BenchPart.JSON.createObjectNode();
        merged.put("generated", Instant.now().toString());
        merged.set("machine", machine);
        ArrayNode all = merged.putArray("parts");
        Map<String, JsonNode> byName = new TreeMap<>(parts);
        failures.forEach((name, error) -> {
            ObjectNode failed = BenchPart.JSON.createObjectNode();
            failed.put("part", name);
            failed.put("failed", true);
            failed.put("error", error);
            byName.put(name, failed);
        });
        byName.values().forEach(all::add);
        return merged;
    }

    /** Every row whose value is under its {@code guard}, or a line saying that no guarded row was measured. */
    static List<String> guard(JsonNode merged) {
        List<String> problems = new ArrayList<>();
        int guarded = 0;
        for (JsonNode part : merged.path("parts")) {
            if (part.path("failed").asBoolean()) {
                problems.add("part " + part.path("part").asText() + " failed: " + part.path("error").asText());
            }
            for (JsonNode row : part.path("rows")) {
                if (!row.has("guard")) {
                    continue;
                }
                guarded++;
                JsonNode value = row.path("value");
                double bound = row.path("guard").asDouble();
                if (!value.isNumber() || value.asDouble() < bound) {
                    problems.add(row.path("name").asText() + " is " + (value.isNumber() ? format(value.asDouble())
                            : "not measured") + ", under " + format(bound));
                }
            }
        }
        if (guarded == 0 && problems.isEmpty()) {
            problems.add("no guarded measurement was made (did the hits part run?)");
        }
        return problems;
    }

    /** The results as Markdown: the machine in a few lines, then one table of every row. */
    static String markdown(JsonNode merged) {
        StringBuilder md = new StringBuilder("# ModelCache benchmark\n\n");
        JsonNode machine = merged.path("machine");
        md.append("- ").append(merged.path("generated").asText()).append(", commit ")
                .append(machine.path("commit").asText("?")).append(", mode ").append(machine.path("mode").asText("full"))
                .append('\n');
        md.append("- ").append(machine.path("nproc").asText()).append(" cores, ").append(machine.path("cpuModel").asText())
                .append("; servers on core ").append(machine.path("serverCpu").asText("-")).append(", load on core ")
                .append(machine.path("loadCpu").asText("-")).append('\n');
        md.append("- load average before ").append(machine.path("loadBefore").asText("?")).append(", after ")
                .append(machine.path("loadAfter").asText("?")).append("; ").append(machine.path("java").asText())
                .append("\n\n");
        md.append("| part | measurement | value | unit | goal | met? |\n|---|---|---|---|---|---|\n");
        for (JsonNode part : merged.path("parts")) {
            String name = part.path("part").asText();
            if (part.path("failed").asBoolean()) {
                md.append("| ").append(cell(name)).append(" | FAILED: ").append(cell(part.path("error").asText()))
                        .append(" | | | | |\n");
                continue;
            }
            for (JsonNode row : part.path("rows")) {
                JsonNode value = row.path("value");
                JsonNode met = row.path("met");
                String note = row.path("note").asText("");
                md.append("| ").append(cell(name)).append(" | ").append(cell(row.path("name").asText()))
                        .append(note.isEmpty() ? "" : " (" + cell(note) + ")").append(" | ")
                        .append(value.isNumber() ? format(value.asDouble()) : "-").append(" | ")
                        .append(cell(row.path("unit").asText(""))).append(" | ").append(cell(row.path("goal").asText("")))
                        .append(" | ").append(met.isBoolean() ? (met.asBoolean() ? "yes" : "**no**") : "")
                        .append(" |\n");
            }
        }
        return md.toString();
    }

    /** Whole numbers with thousands separators from 100 up, three significant digits below. */
    static String format(double value) {
        if (Math.abs(value) >= 100) {
            return String.format(Locale.ROOT, "%,.0f", value);
        }
        return new java.math.BigDecimal(value).round(new java.math.MathContext(3)).stripTrailingZeros().toPlainString();
    }

    private static String cell(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }

    private static ObjectNode machine() {
        ObjectNode machine = BenchPart.JSON.createObjectNode();
        machine.put("mode", System.getProperty("bench.mode", "full"));
        machine.put("commit", System.getProperty("bench.commit", "?"));
        machine.put("nproc", Runtime.getRuntime().availableProcessors());
        machine.put("cpuModel", cpuModel());
        machine.put("serverCpu", System.getProperty("bench.serverCpu", ""));
        machine.put("loadCpu", System.getProperty("bench.loadCpu", ""));
        machine.put("loadBefore", System.getProperty("bench.loadBefore", ""));
        machine.put("loadAfter", System.getProperty("bench.loadAfter", ""));
        machine.put("java", "Java " + System.getProperty("java.runtime.version") + " (" + System.getProperty("java.vm.name")
                + ", " + System.getProperty("java.vendor") + ")");
        machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        return machine;
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).strip()).findFirst().orElse("unknown CPU");
        } catch (IOException e) {
            return "unknown CPU";
        }
    }
}
