package dev.modelcache.replay;

import dev.modelcache.cache.CacheKeyFactory;
import dev.modelcache.cache.RequestRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Why a stored request and the request that missed have different keys, apart from their JSON bodies: each part of
 * the key besides the body (method, query, vary headers, namespace, key recipe), and a body that is not JSON
 * (compared by media type and the hash the key uses). The provider, path and partition are the same by the time an
 * entry is compared: only the caller's own entries are ({@link MissExplainer}), so every value shown is its own.
 */
final class Causes {
    private Causes() {
    }

    /**
     * The causes from {@code stored} to {@code missed}, in the order a person should look at them: where the entry
     * was recorded, then how the request was sent, then its body.
     */
    static List<Cause> between(RequestRecord stored, RequestRecord missed) {
        List<Cause> causes = new ArrayList<>();
        if (!stored.namespace().equals(missed.namespace())) {
            causes.add(namespace(stored.namespace(), missed.namespace()));
        }
        if (!CacheKeyFactory.VERSION.equals(stored.keyRecipe())) {
            String recipe = stored.keyRecipe().isEmpty() ? "an unknown key recipe"
                    : "key recipe " + ShortText.cut(stored.keyRecipe(), ShortText.MAX_STRING);
            causes.add(new Cause("recorded with " + recipe,
                    "recorded with " + recipe + ", now " + CacheKeyFactory.VERSION + ": import or re-record"));
        }
        if (!stored.method().equals(missed.method())) {
            String was = ShortText.cut(stored.method(), ShortText.MAX_BRIEF);
            String is = ShortText.cut(missed.method(), ShortText.MAX_BRIEF);
            causes.add(new Cause("method " + was + " -> " + is, "method differs: stored " + was + ", request " + is));
        }
        if (!stored.query().equals(missed.query())) {
            causes.add(changed("query", stored.query(), missed.query(), "(none)"));
        }
        Set<String> names = new TreeSet<>(stored.varyHeaders().keySet());
        names.addAll(missed.varyHeaders().keySet());
        for (String name : names) {
            String was = stored.varyHeaders().get(name);
            String is = missed.varyHeaders().get(name);
            if (!Objects.equals(was, is)) {
                causes.add(changed("header " + name, was, is, ShortText.ABSENT));
            }
        }
        body(stored, missed).ifPresent(causes::add);
        return causes;
    }

    /** A free-form part that differs: {@code what differs: stored 'a', request 'b'} ({@code none} for no value). */
    private static Cause changed(String what, String stored, String missed, String none) {
        return new Cause(what + " " + ShortText.quoted(stored, none, ShortText.MAX_BRIEF) + " -> "
                + ShortText.quoted(missed, none, ShortText.MAX_BRIEF),
                what + " differs: stored " + ShortText.quoted(stored, none) + ", request " + ShortText.quoted(missed, none));
    }

    private static Cause namespace(String stored, String missed) {
        String in = stored.isEmpty() ? "no namespace" : "namespace " + ShortText.quoted(stored, "");
        return new Cause("namespace " + ShortText.quoted(stored, "(none)", ShortText.MAX_BRIEF) + " -> "
                + ShortText.quoted(missed, "(none)", ShortText.MAX_BRIEF),
                "recorded in " + in + ", this request is in " + ShortText.quoted(missed, "no namespace"));
    }

    /** A body of another type, or a non-JSON body with other content; JSON bodies are {@link JsonDiff}'s. */
    private static Optional<Cause> body(RequestRecord stored, RequestRecord missed) {
        if (!stored.bodyType().equals(missed.bodyType())) {
            return Optional.of(new Cause("body " + ShortText.cut(stored.bodyType(), ShortText.MAX_BRIEF) + " -> "
                    + ShortText.cut(missed.bodyType(), ShortText.MAX_BRIEF),
                    "the stored request has " + kind(stored.bodyType()) + ", this request has "
                            + kind(missed.bodyType())));
        }
        if (!stored.bodyType().equals(RequestRecord.BYTES_BODY)) {
            return Optional.empty();
        }
        String storedType = mediaType(stored);
        String missedType = mediaType(missed);
        if (!storedType.equals(missedType)) {
            return Optional.of(new Cause("body " + storedType + " -> " + missedType,
                    "the request body's media type differs: stored " + storedType + ", request " + missedType));
        }
        String storedHash = stored.body().path("keySha256").asText("");
        if (storedHash.isEmpty() || !storedHash.equals(missed.body().path("keySha256").asText(""))) {
            return Optional.of(new Cause("body (" + missedType + ") differs",
                    "the request body (" + missedType + ") differs"));
        }
        return Optional.empty();
    }

    private static String kind(String bodyType) {
        return switch (bodyType) {
            case RequestRecord.JSON_BODY -> "a JSON body";
            case RequestRecord.BYTES_BODY -> "a non-JSON body";
            case RequestRecord.NO_BODY -> "no body";
            default -> "a body of type " + ShortText.quoted(bodyType, "(none)");
        };
    }

    /** The media type without its parameters (a multipart boundary differs at every request), lower case. */
    private static String mediaType(RequestRecord request) {
        String contentType = request.body().path("mediaType").asText("");
        int semicolon = contentType.indexOf(';');
        String type = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim()
                .toLowerCase(Locale.ROOT);
        return type.isEmpty() ? "unknown type" : ShortText.cut(type, ShortText.MAX_STRING);
    }
}
