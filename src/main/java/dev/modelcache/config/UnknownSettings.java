package dev.modelcache.config;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Stops the start when a name in the configuration's namespace is not a setting: an environment variable
 * {@code MODELCACHE_*}, a system property {@code modelcache.*} or a JNDI name under {@code modelcache/}. A misspelled
 * key would otherwise be ignored without a word ({@code MODELCACHE_CACHE_MOD=replay} starting in readthrough, a
 * misspelled base URL leaving the real provider in place), so the message names each such name and the nearest
 * registered key ({@link NearestKey}), spelled the same way.
 *
 * <p>The way out, for a name another tool owns: {@code config/allowUnknown}, names separated by commas as they are
 * spelled (variable, property or key), a trailing {@code *} matching any ending; {@code true} lets every name pass.
 * The launchers' own properties ({@code modelcache.contextFile}, {@code modelcache.docBase}) and the JUnit 5
 * extension's names ({@link #EXTENSION_NAMES}) always pass. Empty
 * values are not looked at: an empty value counts as unset everywhere.
 */
public final class UnknownSettings {
    /** System properties the launchers read themselves, which are not settings of the application. */
    public static final Set<String> LAUNCHER_PROPERTIES = Set.of("modelcache.contextFile", "modelcache.docBase");
    /**
     * The JUnit 5 extension's own names (dev.modelcache.junit5: a test run's mode, the WAR it runs), which a build sets
     * beside a proxy's settings; they are no settings, and they pass.
     */
    public static final Set<String> EXTENSION_NAMES = Set.of("modelcache.mode", "modelcache.war", "MODELCACHE_MODE");
    private static final String ENV_PREFIX = "MODELCACHE_";
    private static final String ENV_PROVIDERS = NearestKey.ENV_PROVIDERS;

    private UnknownSettings() {
    }

    /** Fails with one line naming every unknown name in {@code settings} and its nearest key. */
    public static void check(Settings settings) {
        List<String> problems = problems(settings);
        if (!problems.isEmpty()) {
            throw ConfigException.withMessage(ConfigKeys.CONFIG_ALLOW_UNKNOWN.key(),
                    "modelcache configuration: " + String.join("; ", problems) + ". A name another tool needs may be"
                            + " listed in the setting " + ConfigKeys.CONFIG_ALLOW_UNKNOWN.key() + " (for example "
                            + Settings.environmentName(ConfigKeys.CONFIG_ALLOW_UNKNOWN.key()) + "=NAME,...)");
        }
    }

    /** One phrase per unknown name, in the order environment, system properties, JNDI, each sorted. */
    static List<String> problems(Settings settings) {
        List<String> allowed = Arrays.stream(settings.get(ConfigKeys.CONFIG_ALLOW_UNKNOWN).orElse("").split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).toList();
        List<String> problems = new ArrayList<>();
        if (allowed.contains("true") || allowed.contains("*")) {
            return problems;
        }
        for (String variable : sortedNames(settings.environmentLayer())) {
            if (variable.startsWith(ENV_PREFIX) && !knownVariable(variable) && !allowed(variable, allowed)
                    && !EXTENSION_NAMES.contains(variable)) {
                problems.add("unknown environment variable " + variable + " (did you mean "
                        + NearestKey.toEnvironment(variable) + "?)");
            }
        }
        for (String key : sortedNames(settings.propertyLayer())) {
            String property = Settings.systemPropertyName(key);
            if (ConfigKeys.find(key).isEmpty() && !LAUNCHER_PROPERTIES.contains(property) && !allowed(property, allowed)
                    && !EXTENSION_NAMES.contains(property)) {
                problems.add("unknown system property " + property + " (did you mean " + NearestKey.toProperty(property) + "?)");
            }
        }
        for (String key : sortedNames(settings.jndiLayer())) {
            if (ConfigKeys.find(key).isEmpty() && !allowed(key, allowed) && !allowed("modelcache/" + key, allowed)) {
                problems.add("unknown JNDI name modelcache/" + key + " (did you mean modelcache/" + NearestKey.toKey(key) + "?)");
            }
        }
        return problems;
    }

    /** A registered key's variable; a provider's is {@code MODELCACHE_PROVIDERS_<NAME>_<FIELD>}, any name. */
    static boolean knownVariable(String variable) {
        for (ConfigKeys entry : ConfigKeys.values()) {
            if (!entry.templated() && Settings.environmentName(entry.key()).equals(variable)) {
                return true;
            }
            String suffix = "_" + entry.field().toUpperCase(Locale.ROOT);
            if (entry.templated() && variable.startsWith(ENV_PROVIDERS) && variable.endsWith(suffix)
                    && variable.length() > ENV_PROVIDERS.length() + suffix.length()) {
                return true;
            }
        }
        return false;
    }

    private static boolean allowed(String name, List<String> allowed) {
        for (String pattern : allowed) {
            if (pattern.endsWith("*") ? name.startsWith(pattern.substring(0, pattern.length() - 1)) : name.equals(pattern)) {
                return true;
            }
        }
        return false;
    }

    private static List<String> sortedNames(Map<String, String> layer) {
        return layer.entrySet().stream().filter(e -> e.getValue() != null && !e.getValue().isBlank())
                .map(Map.Entry::getKey).sorted().toList();
    }
}
