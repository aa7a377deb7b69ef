package dev.modelcache.provider;

import dev.modelcache.http.Headers;

/**
 * A Gemini caller's credential: the {@code x-goog-api-key} header Google's SDKs send, a {@code key=} query parameter
 * (Google's older samples and curl lines), or the bearer token an OpenAI SDK sends to the OpenAI-compatible endpoint.
 * All that are present count, each under its own name, so that no two different callers share a partition. The
 * value is only ever hashed.
 */
final class GeminiCredential {
    static final String HEADER = "x-goog-api-key";
    static final String PARAMETER = "key";

    private GeminiCredential() {
    }

    static String of(Headers headers, String query) {
        StringBuilder credential = new StringBuilder();
        append(credential, HEADER, headers.first(HEADER).orElse(""));
        append(credential, PARAMETER, queryKey(query));
        append(credential, "authorization", headers.first("Authorization").orElse(""));
        return credential.toString();
    }

    /**
     * The decoded value of the {@code key=} parameter, its name in any case, of a canonical query
     * ({@link dev.modelcache.http.RequestTarget#canonicalQuery}: {@code k%65y} already reads {@code key}, and a
     * second one was refused), or an empty string.
     */
    static String queryKey(String query) {
        if (query == null) {
            return "";
        }
        for (String parameter : query.split("&")) {
            int equals = parameter.indexOf('=');
            if (equals == PARAMETER.length() && parameter.substring(0, equals).equalsIgnoreCase(PARAMETER)) {
                return GeminiPaths.decode(parameter.substring(equals + 1).replace('+', ' '));
            }
        }
        return "";
    }

    private static void append(StringBuilder credential, String name, String value) {
        String trimmed = value.trim();
        if (!trimmed.isEmpty()) {
            credential.append(credential.isEmpty() ? "" : "\n").append(name).append(':').append(trimmed);
        }
    }
}
