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
 * the key besides the body (method, query, vary headers, partition, namespace, key recipe), and a body that is not
 * JSON (compared by media type and the hash the key uses). The provider and path are the same by the time an entry
 * is compared. A value of another caller's request is never shown, only that it differs.
 */
final class Causes {
    /** Shown instead of a value of another caller's request. */
    static final String WITHHELD = "(withheld)";

    private Causes() {
    }

    /**
     * The causes from {@code stored} to {@code missed}, in the order a person should look at them: whose entry it
     * is, then how the request was sent, then its body.
     *
     * @param withhold true when {@code stored} is another caller's: its values are replaced by {@value #WITHHELD}
     */
    static List<Cause> between(RequestRecord stored, RequestRecord missed, boolean withhold) {
        List<Cause> causes = new ArrayList<>();
        if (!stored.partition().equals(missed.partition())) {
            causes.add(partition(stored.partition(), missed.partition()));
        }
        if (!stored.namespace().equals(missed.namespace())) {
            causes.add(namespace(stored.namespace(), missed.namespace()));
        }
        if (!CacheKeyFactory.VERSION.equals(stored.keyRecipe())) {
            String recipe = stored.keyRecipe().isEmpty() ? "an unknown key recipe" : "key recipe " + stored.keyRecipe();
            causes.add(new Cause("recorded with " + recipe,
                    "recorded with " + recipe + ", now " + CacheKeyFactory.VERSION + ": import or re-record"));
        }
        if (!stored.method().equals(missed.method())) {
            causes.add(new Cause("method " + stored.method() + " -> " + missed.method(),
                    "method differs: stored " + stored.method() + ", request " + missed.method()));
        }
        if (!stored.query().equals(missed.query())) {
            causes.add(changed("query", stored.query(), missed.query(), "(none)", withhold));
        }
        Set<String> names = new TreeSet<>(stored.varyHeaders().keySet());
        names.addAll(missed.varyHeaders().keySet());
        for (String name : names) {
            String was = stored.varyHeaders().get(name);
            String is = missed.varyHeaders().get(name);
            if (!Objects.equals(was, is)) {
                causes.add(changed("header " + name, was, is, ShortText.ABSENT, withhold));
            }
        }
        body(stored, missed).ifPresent(causes::add);
        return causes;
    }

    /** A free-form part that differs: {@code what differs: stored 'a', request 'b'} ({@code none} for no value). */
    private static Cause changed(String what, String stored, String missed, String none, boolean withhold) {
        boolean hidden = withhold && stored != null && !stored.isEmpty();
        String briefBefore = hidden ? WITHHELD : ShortText.quoted(stored, none, ShortText.MAX_BRIEF);
        String before = hidden ? WITHHELD : ShortText.quoted(stored, none);
        return new Cause(what + " " + briefBefore + " -> " + ShortText.quoted(missed, none, ShortText.MAX_BRIEF),
                what + " differs: stored " + before + ", request " + ShortText.quoted(missed, none));
    }

    private static Cause namespace(String stored, String missed) {
        String in = stored.isEmpty() ? "no namespace" : "namespace " + ShortText.quoted(stored, "");
        return new Cause("namespace " + ShortText.quoted(stored, "(none)", ShortText.MAX_BRIEF) + " -> "
                + ShortText.quoted(missed, "(none)", ShortText.MAX_BRIEF),
                "recorded in " + in + ", this request is in " + ShortText.quoted(missed, "no namespace"));
    }

    private static Cause partition(String stored, String missed) {
        String was = partition(stored);
        String is = partition(missed);
        if (stored.equals(CacheKeyFactory.SHARED)) {
            return new Cause("recorded for all callers (shared)", "recorded while the cache was shared (partition "
                    + "shared), this request is partition " + is + "; set cache/shared=true to use shared entries");
        }
        if (missed.equals(CacheKeyFactory.SHARED)) {
            return new Cause("recorded by one caller (partition " + was + ")", "recorded by one caller (partition "
                    + was + ") before the cache was shared; import it as shared or re-record");
        }
        return new Cause("recorded by another caller (partition " + was + ")", "recorded by another caller "
                + "(partition " + was + "), this request is partition " + is
                + "; set cache/shared=true to share entries between callers");
    }

    /** A partition as shown: a hash's first 8 hex digits (enough to tell callers apart), a name as it is. */
    static String partition(String partition) {
        return partition.matches("[0-9a-f]{9,}") ? partition.substring(0, 8) + ShortText.ELLIPSIS : partition;
    }

    /** A body of another type, or a non-JSON body with other content; JSON bodies are {@link JsonDiff}'s. */
    private static Optional<Cause> body(RequestRecord stored, RequestRecord missed) {
        if (!stored.bodyType().equals(missed.bodyType())) {
            return Optional.of(new Cause("body " + stored.bodyType() + " -> " + missed.bodyType(),
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
