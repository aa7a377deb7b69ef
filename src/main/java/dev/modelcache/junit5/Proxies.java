package dev.modelcache.junit5;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The proxies of a test run, one per distinct configuration ({@link ProxyConfig#childKey()}), started lazily and
 * shared by every class that asks for the same one; kept in JUnit's root store so that they stop when the run ends.
 * A proxy that failed to start is remembered with its reason, so the next class fails at once with the same line
 * instead of waiting for another start. Also the namespaces claimed in this run: two classes in one namespace would
 * read each other's sequences and, recording, replace each other's cassettes.
 */
@SuppressWarnings("deprecation") // CloseableResource: what JUnit before 5.13 closes; 5.13 on close AutoCloseable ones
final class Proxies implements ExtensionContext.Store.CloseableResource, AutoCloseable {
    /** Where the children's folders go, below the working folder (Maven's and Gradle's project folder). */
    static final Path WORK = Path.of("target", "modelcache-junit5");

    private final Map<String, Object> started = new HashMap<>();
    private final Map<String, String> namespaces = new ConcurrentHashMap<>();

    /** This run's proxies, from the root store. */
    static Proxies of(ExtensionContext context) {
        return context.getRoot().getStore(ExtensionContext.Namespace.create(Proxies.class))
                .getOrComputeIfAbsent(Proxies.class, type -> new Proxies(), Proxies.class);
    }

    /** The running proxy for {@code config}, started now if it is the first to ask for it. */
    synchronized ProxyProcess proxy(ProxyConfig config) {
        Object known = started.get(config.childKey());
        if (known == null) {
            try {
                long start = System.nanoTime();
                ProxyProcess process = ProxyProcess.start(config, WarLocator.find(),
                        WORK.resolve(config.childHash()).toAbsolutePath());
                System.err.printf("ModelCache: %s proxy started in %.1f s on %s (pid %d; its log and cache: %s)%n",
                        config.mode().name().toLowerCase(java.util.Locale.ROOT), (System.nanoTime() - start) / 1e9,
                        process.root(), process.pid(), process.folder());
                known = process;
            } catch (RuntimeException e) {
                known = e.getMessage();
            }
            started.put(config.childKey(), known);
        }
        if (known instanceof ProxyProcess process) {
            return process;
        }
        throw new IllegalStateException((String) known);
    }

    /**
     * Claims {@code namespace} of {@code cassettes} for {@code owner} (a class name); fails when another class
     * claimed it in this run.
     */
    void claim(Path cassettes, String namespace, String owner) {
        String other = namespaces.putIfAbsent(cassettes + "\n" + namespace, owner);
        if (other != null && !other.equals(owner)) {
            throw new IllegalStateException("ModelCache: namespace " + namespace + " is " + other + "'s in this run;"
                    + " give " + owner + " its own with @ModelCacheTest(namespace = \"...\")");
        }
    }

    @Override
    public synchronized void close() {
        started.values().forEach(value -> {
            if (value instanceof ProxyProcess process) {
                process.close();
            }
        });
        started.clear();
    }
}
