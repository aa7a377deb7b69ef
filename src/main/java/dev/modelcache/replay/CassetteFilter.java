package dev.modelcache.replay;

import dev.modelcache.cache.EntrySummary;
import dev.modelcache.cache.RequestRecord;
import java.util.regex.Pattern;

/**
 * Which entries an export takes: each non-null field must match. {@code namespace} exactly ("" is the entries in
 * no namespace), {@code modelGlob} as a glob over the whole model name ({@code *} any run of characters, {@code ?}
 * one; an entry without a model matches only {@code *}), {@code pathPrefix} as a prefix of the request path.
 * {@link #ALL} takes everything.
 */
public record CassetteFilter(String namespace, String modelGlob, String pathPrefix) {
    public static final CassetteFilter ALL = new CassetteFilter(null, null, null);

    public boolean matches(EntrySummary entry) {
        return matches(entry.namespace(), entry.model(), entry.path());
    }

    public boolean matches(RequestRecord request) {
        return matches(request.namespace(), request.model(), request.path());
    }

    private boolean matches(String entryNamespace, String model, String path) {
        return (namespace == null || namespace.equals(entryNamespace == null ? "" : entryNamespace))
                && (modelGlob == null || glob(modelGlob).matcher(model == null ? "" : model).matches())
                && (pathPrefix == null || (path != null && path.startsWith(pathPrefix)));
    }

    /** {@code glob} as a pattern: {@code *} and {@code ?} are wild, every other character stands for itself. */
    static Pattern glob(String glob) {
        StringBuilder regex = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        for (char c : glob.toCharArray()) {
            if (c == '*' || c == '?') {
                if (!literal.isEmpty()) {
                    regex.append(Pattern.quote(literal.toString()));
                    literal.setLength(0);
                }
                regex.append(c == '*' ? ".*" : ".");
            } else {
                literal.append(c);
            }
        }
        if (!literal.isEmpty()) {
            regex.append(Pattern.quote(literal.toString()));
        }
        return Pattern.compile(regex.toString(), Pattern.DOTALL);
    }
}
