package dev.modelcache.junit5;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * One test's configuration, as the annotation (or the builder) gives it: where its cassettes are, the mode (resolved
 * from {@link Mode#DEFAULT}), sequences, what to do with unused recordings, the namespace (empty: the test class's)
 * and the proxy's own settings. What the child process depends on ({@link #childKey()}) decides which proxy serves
 * it: the same key, the same process.
 */
record ProxyConfig(Path cassettes, Mode mode, boolean sequences, Unused unused, String namespace,
                   SortedMap<String, String> settings, boolean sdkProperties) {
    /** The proxy's rule for a namespace (X-Cache-Namespace). */
    private static final Pattern NAMESPACE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    /** A setting's name: ModelCache's keys are words joined by {@code /}. */
    private static final Pattern SETTING = Pattern.compile("[a-z][A-Za-z0-9]*(/[A-Za-z0-9_-]+)*");

    ProxyConfig {
        cassettes = cassettes.toAbsolutePath().normalize();
        settings = Collections.unmodifiableSortedMap(new TreeMap<>(settings));
        if (!namespace.isEmpty() && !NAMESPACE.matcher(namespace).matches()) {
            throw new IllegalArgumentException("ModelCache: namespace '" + namespace + "' must be 1 to 128 letters,"
                    + " digits, '.', '_' or '-', starting with a letter or digit");
        }
    }

    /** The annotation's defaults. */
    static ProxyConfig defaults() {
        return new ProxyConfig(Path.of(ModelCacheTest.DEFAULT_CASSETTES), Mode.DEFAULT, true, Unused.REPORT, "",
                new TreeMap<>(), true);
    }

    /** This configuration with the mode resolved ({@link Mode#resolved()}). */
    ProxyConfig resolved() {
        return mode == Mode.DEFAULT ? new ProxyConfig(cassettes, mode.resolved(), sequences, unused, namespace,
                settings, sdkProperties) : this;
    }

    /** The annotation's values as a configuration of their own (over the defaults). */
    static ProxyConfig of(ModelCacheTest annotation) {
        return defaults().overriddenBy(annotation);
    }

    /**
     * This configuration with {@code annotation}'s values where it differs from the annotation's default (a method's
     * annotation over its class's), and its settings added.
     */
    ProxyConfig overriddenBy(ModelCacheTest annotation) {
        SortedMap<String, String> merged = new TreeMap<>(settings);
        merged.putAll(parseSettings(annotation.settings()));
        return new ProxyConfig(
                annotation.cassettes().equals(ModelCacheTest.DEFAULT_CASSETTES) ? cassettes : Path.of(annotation.cassettes()),
                annotation.mode() == Mode.DEFAULT ? mode : annotation.mode(),
                annotation.sequences() && sequences,
                annotation.unused() == Unused.REPORT ? unused : annotation.unused(),
                annotation.namespace().isEmpty() ? namespace : annotation.namespace(),
                merged,
                annotation.sdkProperties() && sdkProperties);
    }

    /** {@code "name=value"} entries as a map; fails naming the entry without {@code =} or with a bad name. */
    static SortedMap<String, String> parseSettings(String... entries) {
        SortedMap<String, String> map = new TreeMap<>();
        for (String entry : entries) {
            int eq = entry.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("ModelCache: setting '" + entry + "' must be name=value");
            }
            map.put(checkedName(entry.substring(0, eq).trim()), entry.substring(eq + 1).trim());
        }
        return map;
    }

    /** {@code name} when it is spelled like a ModelCache setting ({@code cache/redact}). */
    static String checkedName(String name) {
        if (!SETTING.matcher(name).matches()) {
            throw new IllegalArgumentException("ModelCache: '" + name + "' is not a setting's name (like cache/redact)");
        }
        return name;
    }

    /** The namespace for tests of {@code testClass}: this one's, else the class's name without its package. */
    String namespaceFor(Class<?> testClass) {
        if (!namespace.isEmpty()) {
            return namespace;
        }
        String name = testClass.getName().substring(testClass.getPackageName().isEmpty() ? 0
                : testClass.getPackageName().length() + 1);
        String derived = name.replace('$', '.');
        return derived.length() > 128 ? derived.substring(derived.length() - 128) : derived;
    }

    /**
     * The proxy's settings, as ModelCache names them: the mode's, the cassettes', the sequences' and then this
     * configuration's own (which may override any of them). The cache folder and the port are the process's.
     */
    SortedMap<String, String> proxySettings() {
        SortedMap<String, String> proxy = new TreeMap<>();
        proxy.put("cache/mode", mode.resolved().cacheMode());
        // One partition for every caller: cassettes recorded with a developer's key replay with a placeholder.
        proxy.put("cache/shared", "true");
        proxy.put("cache/sequences", Boolean.toString(sequences));
        Mode resolved = mode.resolved();
        if (resolved == Mode.AUTO || resolved == Mode.REPLAY) {
            proxy.put("cache/cassettes", cassettes.toString());
        }
        proxy.putAll(settings);
        return proxy;
    }

    /** What decides the child process: its settings (the cassettes and the mode among them). */
    String childKey() {
        StringBuilder key = new StringBuilder();
        proxySettings().forEach((name, value) -> key.append(name).append('=').append(value).append('\n'));
        return key.toString();
    }

    /** 12 hex digits of the SHA-256 of {@link #childKey()}: the child's folder name. */
    String childHash() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(childKey().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The environment variable ModelCache reads for setting {@code name}: {@code MODELCACHE_CACHE_MODE}. */
    static String environmentName(String name) {
        return "MODELCACHE_" + name.toUpperCase(Locale.ROOT).replace('/', '_').replace('.', '_');
    }

    /** {@link #proxySettings()} as environment variables. */
    Map<String, String> environment() {
        Map<String, String> env = new TreeMap<>();
        proxySettings().forEach((name, value) -> env.put(environmentName(name), value));
        return env;
    }
}
