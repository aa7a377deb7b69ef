package dev.modelcache.replay.cassette;

import dev.modelcache.cache.EntrySummary;
import dev.modelcache.cache.RequestRecord;
import dev.modelcache.http.ModelGlob;

/**
 * Which entries an export takes: each non-null field must match. {@code namespace} exactly ("" is the entries in
 * no namespace), {@code modelGlob} as a glob over the whole model name, read as every model glob is ({@link ModelGlob}:
 * {@code *} any run of characters, {@code ?} one, without regard to case; an entry without a model matches only
 * {@code *}), {@code pathPrefix} as a prefix of the request path.
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
                && (modelGlob == null || ModelGlob.matches(modelGlob, model == null ? "" : model))
                && (pathPrefix == null || (path != null && path.startsWith(pathPrefix)));
    }
}
