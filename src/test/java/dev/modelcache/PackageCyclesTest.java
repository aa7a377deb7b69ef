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
 * changed from the bottom up. Reads the compiled classes with the JDK's {@code jdeps}.
 */
class PackageCyclesTest {
    static final Pattern EDGE = Pattern.compile("^\\s+(dev\\.modelcache[\\w.]*)\\s+->\\s+(dev\\.modelcache[\\w.]*)\\s");

    @Test
    void noPackageImportsOneThatImportsItBack() {
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
        List<String> cycles = new ArrayList<>();
        for (String start : imports.keySet()) {
            findCycle(start, new ArrayList<>(List.of(start)), imports, cycles);
        }
        assertEquals(List.of(), cycles, "package cycles");
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
