package dev.modelcache.provider;

import java.util.List;
import java.util.regex.Pattern;

/** The model globs of one provider ({@code gpt-*,o1*}): {@code *} any run of characters, {@code ?} one; case-insensitive. */
public final class ModelPattern {
    private final List<String> globs;
    private final Pattern pattern;

    public ModelPattern(List<String> globs) {
        this.globs = List.copyOf(globs);
        StringBuilder regex = new StringBuilder();
        for (String glob : globs) {
            if (regex.length() > 0) {
                regex.append('|');
            }
            regex.append("(?:");
            for (char c : glob.toCharArray()) {
                switch (c) {
                    case '*' -> regex.append(".*");
                    case '?' -> regex.append('.');
                    default -> regex.append(Pattern.quote(String.valueOf(c)));
                }
            }
            regex.append(')');
        }
        this.pattern = globs.isEmpty() ? null : Pattern.compile(regex.toString(), Pattern.CASE_INSENSITIVE);
    }

    public boolean matches(String model) {
        return pattern != null && model != null && pattern.matcher(model).matches();
    }

    public List<String> globs() {
        return globs;
    }

    @Override
    public String toString() {
        return String.join(",", globs);
    }
}
