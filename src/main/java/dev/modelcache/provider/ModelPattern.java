package dev.modelcache.provider;

import dev.modelcache.http.ModelGlob;
import java.util.List;

/**
 * The model globs of one provider ({@code gpt-*,o1*}): it claims a model when any of them matches, by the one rule
 * for model globs ({@link ModelGlob}: {@code *} any run of characters, {@code ?} one, case-insensitive).
 */
public final class ModelPattern {
    private final List<String> globs;

    public ModelPattern(List<String> globs) {
        this.globs = List.copyOf(globs);
    }

    public boolean matches(String model) {
        for (String glob : globs) {
            if (ModelGlob.matches(glob, model)) {
                return true;
            }
        }
        return false;
    }

    public List<String> globs() {
        return globs;
    }

    @Override
    public String toString() {
        return String.join(",", globs);
    }
}
