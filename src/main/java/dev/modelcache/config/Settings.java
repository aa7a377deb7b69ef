package dev.modelcache.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import javax.naming.Binding;
import javax.naming.Context;
import javax.naming.InitialContext;
import javax.naming.NamingEnumeration;
import javax.naming.NameNotFoundException;
import javax.naming.NamingException;
import javax.naming.NoInitialContextException;
import javax.naming.Reference;

/**
 * Raw configuration values, looked up by key ({@code cache/dir}, {@code providers/openai/baseUrl}) under one rule:
 * JNDI {@code java:comp/env/modelcache/<a>/<b>}, overridden by the system property {@code modelcache.<a>.<b>},
 * overridden by the environment variable {@code MODELCACHE_<A>_<B>} (upper case, {@code /} and {@code .} become
 * {@code _}). An empty value counts as unset. Typed reading and validation live in {@link Config}.
 *
 * <p>Only keys registered in {@link ConfigKeys} can be looked up: asking for another name is a programming error
 * (an {@link IllegalArgumentException}), so a key the code reads is always one the registry, and with it every file
 * generated from or checked against the registry, knows.
 */
public final class Settings {
    private static final String JNDI_ROOT = "java:comp/env/modelcache";
    private static final String PROPERTY_PREFIX = "modelcache.";
    private static final String ENV_PREFIX = "MODELCACHE_";

    private final Map<String, String> jndi;
    private final Map<String, String> properties;
    private final Map<String, String> environment;
    private final Map<String, String> defaults;

    private Settings(Map<String, String> jndi, Map<String, String> properties, Map<String, String> environment) {
        this(jndi, properties, environment, Map.of());
    }

    private Settings(Map<String, String> jndi, Map<String, String> properties, Map<String, String> environment,
                     Map<String, String> defaults) {
        this.jndi = Map.copyOf(jndi);
        this.properties = Map.copyOf(properties);
        this.environment = Map.copyOf(environment);
        this.defaults = Map.copyOf(defaults);
    }

    /**
     * These settings over a lowest layer of {@code values} (keyed like {@code cache/dir}), which apply only where
     * every other layer leaves a key unset: what an embedding launcher supplies.
     */
    public Settings withDefaults(Map<String, String> values) {
        values.keySet().forEach(Settings::registered);
        Map<String, String> merged = new LinkedHashMap<>(defaults);
        merged.putAll(values);
        return new Settings(jndi, properties, environment, merged);
    }

    /** The running process's configuration: this web application's JNDI environment, system properties and environment variables. */
    public static Settings fromEnvironment() {
        return new Settings(readJndi(), propertiesAsKeys(System.getProperties()), System.getenv());
    }

    /** Only the given values, keyed like {@code cache/dir}: for tests and embedders. */
    public static Settings of(Map<String, String> values) {
        return new Settings(values, Map.of(), Map.of());
    }

    /** The three layers given explicitly; {@code environment} is keyed by variable name. */
    public static Settings layered(Map<String, String> jndi, Properties systemProperties, Map<String, String> environment) {
        return new Settings(jndi, propertiesAsKeys(systemProperties), environment);
    }

    public Optional<String> get(ConfigKeys key) {
        return get(key.key());
    }

    /** A concrete key, such as {@code cache/dir} or {@code providers/groq/apiKey}: it must be registered. */
    public Optional<String> get(String key) {
        registered(key);
        String value = environment.get(environmentName(key));
        if (isEmpty(value)) {
            value = properties.get(key);
        }
        if (isEmpty(value)) {
            value = jndi.get(key);
        }
        if (isEmpty(value)) {
            value = defaults.get(key);
        }
        return isEmpty(value) ? Optional.empty() : Optional.of(value.trim());
    }

    /**
     * The names directly below {@code prefix} in any layer, such as the provider names below {@code providers}.
     * Environment variables are upper case and cannot tell a name from a key, so there a name is recognised only
     * when the variable ends with one of {@code leafKeys}; such names are lower-cased.
     */
    public Set<String> children(String prefix, Set<String> leafKeys) {
        Set<String> names = new TreeSet<>();
        String withSlash = prefix + "/";
        for (Map<String, String> layer : List.of(jndi, properties, defaults)) {
            for (Map.Entry<String, String> entry : layer.entrySet()) {
                String key = entry.getKey();
                if (key.startsWith(withSlash) && !isEmpty(entry.getValue())) {
                    String rest = key.substring(withSlash.length());
                    int slash = rest.indexOf('/');
                    if (slash > 0) {
                        names.add(rest.substring(0, slash));
                    }
                }
            }
        }
        Set<String> known = new TreeSet<>();
        for (String name : names) {
            known.add(environmentName(name).substring(ENV_PREFIX.length()));
        }
        String envPrefix = environmentName(prefix) + "_";
        for (Map.Entry<String, String> variable : environment.entrySet()) {
            if (!variable.getKey().startsWith(envPrefix) || isEmpty(variable.getValue())) {
                continue;
            }
            String rest = variable.getKey().substring(envPrefix.length());
            for (String leaf : leafKeys) {
                String suffix = "_" + leaf.toUpperCase(Locale.ROOT);
                if (rest.endsWith(suffix) && rest.length() > suffix.length()) {
                    String name = rest.substring(0, rest.length() - suffix.length());
                    // MODELCACHE_PROVIDERS_MY_LLM_APIKEY overrides a provider "my-llm" defined elsewhere.
                    if (!known.contains(name)) {
                        names.add(name.toLowerCase(Locale.ROOT));
                    }
                }
            }
        }
        return Collections.unmodifiableSet(names);
    }

    /** The JNDI layer as read, keyed like {@code cache/dir}: for {@link UnknownSettings}. */
    Map<String, String> jndiLayer() {
        return jndi;
    }

    /** The {@code modelcache.*} system properties, keyed like {@code cache/dir}. */
    Map<String, String> propertyLayer() {
        return properties;
    }

    /** The environment, keyed by variable name (all of it, not only {@code MODELCACHE_*}). */
    Map<String, String> environmentLayer() {
        return environment;
    }

    private static void registered(String key) {
        if (ConfigKeys.find(key).isEmpty()) {
            throw new IllegalArgumentException("'" + key + "' is not a registered setting: add it to ConfigKeys");
        }
    }

    public static String systemPropertyName(String key) {
        return PROPERTY_PREFIX + key.replace('/', '.');
    }

    public static String environmentName(String key) {
        return ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('/', '_').replace('.', '_').replace('-', '_');
    }

    private static boolean isEmpty(String value) {
        return value == null || value.isBlank();
    }

    private static Map<String, String> propertiesAsKeys(Properties properties) {
        Map<String, String> keys = new LinkedHashMap<>();
        for (String name : properties.stringPropertyNames()) {
            if (name.startsWith(PROPERTY_PREFIX)) {
                keys.put(name.substring(PROPERTY_PREFIX.length()).replace('.', '/'), properties.getProperty(name));
            }
        }
        return keys;
    }

    /** Reads every entry below java:comp/env/modelcache once; outside a container (no JNDI) there are none. */
    private static Map<String, String> readJndi() {
        Map<String, String> values = new LinkedHashMap<>();
        try {
            Object root = new InitialContext().lookup(JNDI_ROOT);
            if (root instanceof Context context) {
                walk(context, "", values);
            }
        } catch (NoInitialContextException | NameNotFoundException e) {
            // No JNDI here (plain JVM), or no entries at all: the other layers still apply.
        } catch (NamingException e) {
            throw new IllegalStateException("cannot read the JNDI configuration under " + JNDI_ROOT + ": " + e, e);
        }
        return values;
    }

    private static void walk(Context context, String prefix, Map<String, String> values) throws NamingException {
        List<Binding> bindings = new ArrayList<>();
        NamingEnumeration<Binding> enumeration = context.listBindings("");
        while (enumeration.hasMore()) {
            bindings.add(enumeration.next());
        }
        for (Binding binding : bindings) {
            Object value = binding.getObject();
            if (value instanceof Reference) {
                // Jetty binds each EnvEntry as a LinkRef to its value, and listing returns the link itself;
                // looking the name up follows it (Tomcat binds plain values, which lookup returns as they are).
                value = context.lookup(binding.getName());
            }
            String key = prefix + binding.getName();
            if (value instanceof Context child) {
                walk(child, key + "/", values);
            } else if (value != null) {
                values.put(key, value.toString());
            }
        }
    }
}
