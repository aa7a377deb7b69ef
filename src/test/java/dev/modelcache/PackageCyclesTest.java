package dev.modelcache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import org.junit.jupiter.api.Test;

/**
 * The packages of {@code dev.modelcache} import each other without a cycle, so that each can be read, tested and
 * changed from the bottom up, and only downwards through the layers below: the request's path reads from the
 * servlet at the top to the wire formats at the bottom. Reads the compiled classes with the JDK's {@code jdeps}.
 */
class PackageCyclesTest {
    static final Pattern EDGE = Pattern.compile("^\\s+(dev\\.modelcache[\\w.]*)\\s+->\\s+(dev\\.modelcache[\\w.]*)\\s");

    /**
     * The layers, bottom first (package names below {@code dev.modelcache}; {@code ""} is the composition root). A
     * package may import packages of lower layers only, never one of its own layer or above. A new package must be
     * placed here, which is the moment to decide what it may know.
     */
    static final List<Set<String>> LAYERS = List.of(
            Set.of("http", "files", "junit5"),                      // wire shapes, headers; atomic files and digests;
                                                                    // the JUnit 5 extension (imports nothing of ours)
            Set.of("stream", "tokens"),                             // SSE/NDJSON framing; token counting
            Set.of("cache", "events"),                              // keys, policy, the entry model; exchange events
            Set.of("config", "store", "flight"),                    // settings; the store SPI and records; coalescing
            Set.of("store.ehcache", "upstream", "auth", "provider", "billing"),
            Set.of("store.cluster"),                                // the clustered tier, in store.ehcache's bytes
            Set.of("replay", "replay.cassette", "metrics", "stats"),
            Set.of("proxy"),                                        // the pipeline
            Set.of("admin"),                                        // /_cache/ endpoints
            Set.of(""),                                             // the composition root, ModelCache
            Set.of("servlet"),                                      // the one servlet and its lifecycle
            Set.of("launcher"));                                    // the local launcher and commands

    @Test
    void noPackageImportsOneThatImportsItBack() {
        Map<String, Set<String>> imports = packageImports();
        List<String> cycles = new ArrayList<>();
        for (String start : imports.keySet()) {
            findCycle(start, new ArrayList<>(List.of(start)), imports, cycles);
        }
        assertEquals(List.of(), cycles, "package cycles");
    }

    @Test
    void eachPackageImportsOnlyTheLayersBelowIt() {
        Map<String, Set<String>> imports = packageImports();
        Map<String, Integer> layer = new TreeMap<>();
        for (int i = 0; i < LAYERS.size(); i++) {
            for (String name : LAYERS.get(i)) {
                layer.put(name.isEmpty() ? "dev.modelcache" : "dev.modelcache." + name, i);
            }
        }
        Set<String> packages = new TreeSet<>(imports.keySet());
        imports.values().forEach(packages::addAll);
        Set<String> unplaced = new TreeSet<>(packages);
        unplaced.removeAll(layer.keySet());
        assertEquals(Set.of(), unplaced, "packages not placed in a layer of PackageCyclesTest.LAYERS");
        List<String> upward = new ArrayList<>();
        imports.forEach((from, targets) -> targets.forEach(to -> {
            if (layer.get(to) >= layer.get(from)) {
                upward.add(from + " -> " + to);
            }
        }));
        assertEquals(List.of(), upward, "imports of the same layer or one above");
    }

    /**
     * The JUnit 5 extension's jar goes onto a user's test class path alone, beside their own JUnit: its package may use
     * the JDK and JUnit's API, nothing of ours and no library (it reaches the proxy as a child process, over HTTP).
     */
    @Test
    void theJunit5ExtensionUsesOnlyTheJdkAndJunit() {
        Path classes = Path.of("target", "classes");
        ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow();
        StringWriter out = new StringWriter();
        int status = jdeps.run(new PrintWriter(out), new PrintWriter(new StringWriter()), "-verbose:package",
                "-filter:none", classes.toString());
        assertEquals(0, status, out.toString());
        Pattern edge = Pattern.compile("^\\s+dev\\.modelcache\\.junit5\\s+->\\s+(\\S+)");
        Set<String> used = new TreeSet<>();
        for (String line : out.toString().split("\n")) {
            Matcher m = edge.matcher(line);
            if (m.find()) {
                used.add(m.group(1));
            }
        }
        assertTrue(used.contains("org.junit.jupiter.api.extension"), "jdeps read the extension: " + used);
        used.removeIf(name -> name.startsWith("java.") || name.startsWith("org.junit.jupiter.api")
                || name.equals("dev.modelcache.junit5"));
        assertEquals(Set.of(), used, "packages the JUnit 5 extension uses besides the JDK and JUnit's API");
    }

    /** Each package of ours to the other packages of ours its compiled classes use, read with jdeps. */
    static Map<String, Set<String>> packageImports() {
        Path classes = Path.of("target", "classes");
        assertTrue(Files.isDirectory(classes.resolve("dev/modelcache/cache")), "compiled classes at " + classes);
        ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow();
        StringWriter out = new StringWriter();
        int status = jdeps.run(new PrintWriter(out), new PrintWriter(new StringWriter()), "-verbose:package",
                "-filter:none", classes.toString());
        assertEquals(0, status, out.toString());
        Map<String, Set<String>> imports = new TreeMap<>();
        for (String line : out.toString().split("\n")) {
            Matcher edge = EDGE.matcher(line);
            if (edge.find() && !edge.group(1).equals(edge.group(2))) {
                imports.computeIfAbsent(edge.group(1), p -> new TreeSet<>()).add(edge.group(2));
            }
        }
        assertTrue(imports.containsKey("dev.modelcache.cache"), "jdeps found the packages: " + imports.keySet());
        return imports;
    }

    private static void findCycle(String at, List<String> path, Map<String, Set<String>> imports, List<String> cycles) {
        for (String next : imports.getOrDefault(at, Set.of())) {
            if (next.equals(path.get(0))) {
                cycles.add(String.join(" -> ", path) + " -> " + next);
            } else if (!path.contains(next) && next.compareTo(path.get(0)) > 0) {
                path.add(next);
                findCycle(next, path, imports, cycles);
                path.remove(path.size() - 1);
            }
        }
    }
}
