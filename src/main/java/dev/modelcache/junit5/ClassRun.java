package dev.modelcache.junit5;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One test class's use of proxies: the namespaces it recorded in (usually one, its own; a method with other
 * settings may add another), the misses there were before it began, and at its end the work the mode asks for:
 * the new recordings exported into the cassette folder ({@link Mode#AUTO}), the namespace's folder replaced by a
 * clean export ({@link Mode#RECORD}), and the report of misses and unused recordings.
 */
final class ClassRun {
    /** How long the end of a class waits for answers still being stored before it exports. */
    private static final Duration STORING = Duration.ofSeconds(30);

    /** A proxy and namespace the class used, with the misses the proxy had in it before. */
    private record Use(ProxyProcess proxy, ProxyConfig config, String namespace, int missesBefore) {
    }

    private final String className;
    private final Proxies proxies;
    private final Map<String, Use> uses = new LinkedHashMap<>();

    ClassRun(String className, Proxies proxies) {
        this.className = className;
        this.proxies = proxies;
    }

    /** The proxy for {@code config} in {@code namespace}, started if it is the first use; noted for the end. */
    synchronized ModelCacheProxy use(ProxyConfig config, String namespace) {
        ProxyProcess proxy = proxies.proxy(config);
        String id = config.childKey() + "\n" + namespace;
        if (!uses.containsKey(id)) {
            proxies.claim(config.cassettes(), namespace, className);
            int before = config.mode() == Mode.OFF ? 0
                    : MissReport.misses(proxy.get(reportPath(namespace)), namespace).size();
            uses.put(id, new Use(proxy, config, namespace, before));
        }
        return new ModelCacheProxy(proxy.root(), namespace, config.mode(), config.cassettes());
    }

    static String reportPath(String namespace) {
        return "/_cache/report?namespace=" + namespace;
    }

    /** What the end of the class found: the report's text, and the failure {@link Unused#FAIL} asks for, if any. */
    record Outcome(String report, AssertionError failure) {
    }

    /** The end of the class: exports and the report, for each namespace used. */
    synchronized Outcome finish() {
        StringBuilder text = new StringBuilder();
        List<String> failures = new ArrayList<>();
        for (Use use : uses.values()) {
            if (use.config().mode() == Mode.OFF) {
                continue;
            }
            use.proxy().awaitIdle(STORING);
            Object report = use.proxy().get(reportPath(use.namespace()));
            List<Object> all = MissReport.misses(report, use.namespace());
            List<Object> misses = all.subList(Math.min(use.missesBefore(), all.size()), all.size());
            List<String> recorded = MissReport.recordedKeys(all);
            Path folder = use.config().cassettes().resolve(use.namespace());
            text.append("ModelCache, ").append(className).append(" in namespace ").append(use.namespace())
                    .append(" (").append(use.config().mode().name().toLowerCase(java.util.Locale.ROOT)).append("): ");
            Mode mode = use.config().mode();
            String export = export(use, recorded);
            List<String> unused = mode == Mode.RECORD ? List.of() : MissReport.unused(report, recorded, folder);
            // In auto a miss is a recording: counted, its explanation (nothing near yet) left out. Record mode
            // refreshes every answer: what it wrote is the export's line.
            if (mode == Mode.REPLAY) {
                text.append(misses.size()).append(misses.size() == 1 ? " miss, " : " misses, ");
            } else if (mode == Mode.AUTO) {
                text.append(misses.size()).append(" recorded, ");
            }
            if (mode != Mode.RECORD) {
                text.append(unused.size()).append(" unused recording").append(unused.size() == 1 ? "" : "s");
            }
            if (export != null) {
                text.append(mode == Mode.RECORD ? "" : "; ").append(export);
            }
            for (Object miss : mode == Mode.REPLAY ? misses : List.of()) {
                text.append("\n  miss: ").append(MissReport.describe(miss).replace("\n", "\n  "));
            }
            for (String file : unused) {
                text.append("\n  unused: ").append(file);
            }
            text.append('\n');
            if (use.config().unused() == Unused.FAIL && !unused.isEmpty()) {
                failures.add(unused.size() + " recording(s) of namespace " + use.namespace() + " no test used: "
                        + String.join(", ", unused));
            }
        }
        AssertionError failure = failures.isEmpty() ? null : new AssertionError("ModelCache: " + String.join("; ", failures)
                + " (delete them, or re-record with -Dmodelcache.mode=record)");
        return new Outcome(text.toString(), failure);
    }

    /** The mode's export, its summary line; null when there is nothing to write. */
    private static String export(Use use, List<String> recorded) {
        return switch (use.config().mode()) {
            case AUTO -> recorded.isEmpty() ? null
                    : use.proxy().export(use.config().cassettes(), use.namespace(), false);
            case RECORD -> use.proxy().export(use.config().cassettes(), use.namespace(), true);
            default -> null;
        };
    }
}
