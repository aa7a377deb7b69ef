package dev.modelcache.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The registered setting nearest to a name that is not one, spelled the way the name was given: a key or JNDI name
 * ({@code providers/openai/base_url} -> {@code providers/openai/baseUrl}), a system property
 * ({@code modelcache.cache.mod} -> {@code modelcache.cache.mode}) or an environment variable
 * ({@code MODELCACHE_PROVIDERS_OPENAI_BASE_URL} -> {@code MODELCACHE_PROVIDERS_OPENAI_BASEURL}). Nearest is the
 * fewest single-character edits, case ignored; on a tie the registry's order decides. A provider's keys are a
 * pattern, so its candidates are made from the name itself: the provider name it seems to give, with each field.
 */
public final class NearestKey {
    /** {@code providers/}: the templated entries' common prefix. */
    private static final String PROVIDERS = ConfigKeys.PROVIDER_TYPE.key().substring(0, ConfigKeys.PROVIDER_TYPE.key().indexOf(ConfigKeys.NAME));
    static final String ENV_PROVIDERS = Settings.environmentName(PROVIDERS.substring(0, PROVIDERS.length() - 1)) + "_";

    private NearestKey() {
    }

    /** The registered key nearest to {@code key} (keyed like {@code cache/dir}). */
    public static String toKey(String key) {
        List<String> candidates = new ArrayList<>();
        for (ConfigKeys entry : ConfigKeys.values()) {
            if (!entry.templated()) {
                candidates.add(entry.key());
            }
        }
        if (key.startsWith(PROVIDERS) && key.length() > PROVIDERS.length()) {
            String rest = key.substring(PROVIDERS.length());
            String name = rest.contains("/") ? rest.substring(0, rest.indexOf('/')) : rest;
            for (ConfigKeys entry : ConfigKeys.values()) {
                if (entry.templated()) {
                    candidates.add(entry.of(name.isEmpty() ? "openai" : name));
                }
            }
        }
        return nearest(key, candidates);
    }

    /** The registered system property nearest to {@code property} (such as {@code modelcache.cache.mod}). */
    public static String toProperty(String property) {
        String key = property.substring(Math.min(property.length(), "modelcache.".length())).replace('.', '/');
        return Settings.systemPropertyName(toKey(key));
    }

    /**
     * The registered environment variable nearest to {@code variable}. Underscores stand for both the key's
     * separators and a provider name's dashes, so every split of a provider variable into a name and a field is
     * tried.
     */
    public static String toEnvironment(String variable) {
        List<String> candidates = new ArrayList<>();
        for (ConfigKeys entry : ConfigKeys.values()) {
            if (!entry.templated()) {
                candidates.add(Settings.environmentName(entry.key()));
            }
        }
        if (variable.startsWith(ENV_PROVIDERS) && variable.length() > ENV_PROVIDERS.length()) {
            String rest = variable.substring(ENV_PROVIDERS.length());
            List<String> names = new ArrayList<>();
            for (int i = rest.indexOf('_'); i > 0; i = rest.indexOf('_', i + 1)) {
                names.add(rest.substring(0, i));
            }
            names.add(rest);
            for (String name : names) {
                for (ConfigKeys entry : ConfigKeys.values()) {
                    if (entry.templated()) {
                        candidates.add(ENV_PROVIDERS + name + "_" + entry.field().toUpperCase(Locale.ROOT));
                    }
                }
            }
        }
        return nearest(variable, candidates);
    }

    private static String nearest(String name, List<String> candidates) {
        String best = candidates.get(0);
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : candidates) {
            int distance = distance(name.toLowerCase(Locale.ROOT), candidate.toLowerCase(Locale.ROOT));
            if (distance < bestDistance) {
                best = candidate;
                bestDistance = distance;
            }
        }
        return best;
    }

    /** Levenshtein distance: insertions, deletions and substitutions of one character each cost one. */
    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitute, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
