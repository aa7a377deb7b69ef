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

    /** The decoded value of the first {@code key=} parameter of a raw query, or an empty string. */
    static String queryKey(String query) {
        if (query == null) {
            return "";
        }
        for (String parameter : query.split("&")) {
            if (parameter.startsWith(PARAMETER + "=")) {
                return GeminiPaths.decode(parameter.substring(PARAMETER.length() + 1).replace('+', ' '));
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
