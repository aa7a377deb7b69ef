package dev.modelcache.tokens;

import com.knuddels.jtokkit.api.EncodingType;
import java.util.Locale;
import java.util.Map;

/**
 * Which tiktoken encoding a model name uses, after tiktoken's own table ({@code tiktoken/model.py}).
 *
 * <p>A name is matched against model families by prefix, the longest family winning, so dated snapshots
 * ({@code gpt-4o-2024-08-06}), variants ({@code gpt-4o-mini}) and point releases ({@code gpt-5.1}) follow their family
 * while {@code gpt-4o} and {@code gpt-4.1} do not fall into {@code gpt-4}. A family matches only at a boundary: the
 * name ends there or goes on with a character that is neither letter nor digit, so {@code gpt-40} or {@code adapter}
 * match nothing, and fine-tune suffixes ({@code davinci:ft-org-2023-...}, {@code gpt-4o-mini:org::id}) fall away.
 * Before matching, the name is lower-cased and a routing prefix ({@code openai/gpt-4o}) and the {@code ft:} of a
 * fine-tune are dropped. A name outside every family is unknown and gets o200k_base, the encoding of every current
 * OpenAI model.
 */
final class ModelEncodings {
    /** The encoding chosen for a model, and whether the model was recognised or the encoding is a guess. */
    record Choice(EncodingType type, boolean known) {
    }

    private static final EncodingType FALLBACK = EncodingType.O200K_BASE;

    private static final Map<String, EncodingType> FAMILIES = Map.ofEntries(
            Map.entry("gpt-4o", EncodingType.O200K_BASE),
            Map.entry("chatgpt-4o", EncodingType.O200K_BASE),
            Map.entry("gpt-4.1", EncodingType.O200K_BASE),
            Map.entry("gpt-4.5", EncodingType.O200K_BASE),
            Map.entry("gpt-5", EncodingType.O200K_BASE),
            Map.entry("o1", EncodingType.O200K_BASE),
            Map.entry("o3", EncodingType.O200K_BASE),
            Map.entry("o4", EncodingType.O200K_BASE),
            Map.entry("codex", EncodingType.O200K_BASE),
            Map.entry("gpt-image", EncodingType.O200K_BASE),
            Map.entry("omni-moderation", EncodingType.O200K_BASE),
            Map.entry("gpt-4", EncodingType.CL100K_BASE),
            Map.entry("gpt-3.5", EncodingType.CL100K_BASE),
            Map.entry("gpt-35-turbo", EncodingType.CL100K_BASE),
            Map.entry("text-embedding-3", EncodingType.CL100K_BASE),
            Map.entry("text-embedding-ada-002", EncodingType.CL100K_BASE),
            Map.entry("davinci-002", EncodingType.CL100K_BASE),
            Map.entry("babbage-002", EncodingType.CL100K_BASE),
            Map.entry("text-davinci-002", EncodingType.P50K_BASE),
            Map.entry("text-davinci-003", EncodingType.P50K_BASE),
            Map.entry("code-davinci", EncodingType.P50K_BASE),
            Map.entry("code-cushman", EncodingType.P50K_BASE),
            Map.entry("davinci-codex", EncodingType.P50K_BASE),
            Map.entry("cushman-codex", EncodingType.P50K_BASE),
            Map.entry("text-davinci-edit", EncodingType.P50K_EDIT),
            Map.entry("code-davinci-edit", EncodingType.P50K_EDIT),
            Map.entry("text-davinci-001", EncodingType.R50K_BASE),
            Map.entry("text-curie", EncodingType.R50K_BASE),
            Map.entry("text-babbage", EncodingType.R50K_BASE),
            Map.entry("text-ada", EncodingType.R50K_BASE),
            Map.entry("text-similarity", EncodingType.R50K_BASE),
            Map.entry("text-search", EncodingType.R50K_BASE),
            Map.entry("code-search", EncodingType.R50K_BASE),
            Map.entry("davinci", EncodingType.R50K_BASE),
            Map.entry("curie", EncodingType.R50K_BASE),
            Map.entry("babbage", EncodingType.R50K_BASE),
            Map.entry("ada", EncodingType.R50K_BASE));

    private ModelEncodings() {
    }

    static Choice choose(String model) {
        String name = baseName(model);
        String family = null;
        for (String candidate : FAMILIES.keySet()) {
            if (belongsTo(name, candidate) && (family == null || candidate.length() > family.length())) {
                family = candidate;
            }
        }
        return family == null ? new Choice(FALLBACK, false) : new Choice(FAMILIES.get(family), true);
    }

    private static String baseName(String model) {
        if (model == null) {
            return "";
        }
        String name = model.trim().toLowerCase(Locale.ROOT);
        name = name.substring(name.lastIndexOf('/') + 1);
        return name.startsWith("ft:") ? name.substring("ft:".length()) : name;
    }

    private static boolean belongsTo(String name, String family) {
        return name.startsWith(family)
                && (name.length() == family.length() || !Character.isLetterOrDigit(name.charAt(family.length())));
    }
}
