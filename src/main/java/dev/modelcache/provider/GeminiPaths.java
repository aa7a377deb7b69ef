package dev.modelcache.provider;

import dev.modelcache.http.RequestTarget;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where Gemini's API puts things in the path. The native API names the model and the method in the last segment,
 * {@code /v1beta/models/gemini-2.5-flash:generateContent}, under {@code /v1beta} or {@code /v1} (the
 * {@code @google/genai} SDK's default); the OpenAI-compatible endpoint lives under {@code /v1beta/openai}.
 */
final class GeminiPaths {
    /** Gemini's OpenAI-compatible endpoint: an OpenAI SDK's base URL is {@code http://proxy/v1beta/openai}. */
    static final String OPENAI_PREFIX = "/v1beta/openai";
    static final String BETA = "/v1beta";
    /** Media uploads ({@code /upload/v1beta/files}). */
    static final String UPLOAD = "/upload";
    /** Resources that are created, polled or deleted: never answers to cache. */
    static final List<String> STATEFUL_PATHS = List.of("files", "cachedContents", "tunedModels", "batches",
            "operations", "corpora", "fileSearchStores", "generatedFiles", "ragStores");
    /** Model methods that start a job rather than answer. */
    static final List<String> STATEFUL_METHODS = List.of("batchGenerateContent", "asyncBatchEmbedContent",
            "predictLongRunning");
    /** {@code /v1beta/models/{model}} with an optional {@code :method}; the model may be percent-encoded. */
    private static final Pattern BETA_MODEL = Pattern.compile("/v1beta/models/([^/]+)");
    /** Under {@code /v1} only a model method is Gemini's: {@code /v1/models} itself is OpenAI's listing. */
    private static final Pattern V1_METHOD = Pattern.compile("/v1/models/([^/]+)");

    private GeminiPaths() {
    }

    /** True on the OpenAI-compatible endpoint. */
    static boolean openAiCompatible(String path) {
        return Paths.under(path, OPENAI_PREFIX);
    }

    /** Everything under {@code /v1beta} and {@code /upload}, and a model method under {@code /v1}. */
    static boolean owned(String path) {
        return Paths.under(path, BETA) || Paths.under(path, UPLOAD) || (path.startsWith("/v1/models/") && method(path) != null);
    }

    /** Uploads, files, cached contents, tuned models, batches and long-running operations. */
    static boolean stateful(String path) {
        String method = method(path);
        if (Paths.under(path, UPLOAD) || (method != null && STATEFUL_METHODS.contains(method))) {
            return true;
        }
        for (String version : List.of(BETA, "/v1")) {
            for (String resource : STATEFUL_PATHS) {
                if (Paths.under(path, version + "/" + resource)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * The model a native path names, decoded and without {@code models/}, or null: {@code gemini-2.5-flash} for
     * {@code /v1beta/models/gemini-2.5-flash:streamGenerateContent} and {@code /v1/models/gemini-2.5-flash%3AembedContent}.
     */
    static String model(String path) {
        Matcher beta = BETA_MODEL.matcher(path);
        Matcher v1 = V1_METHOD.matcher(path);
        String segment;
        if (beta.matches()) {
            segment = decode(beta.group(1));
        } else if (v1.matches() && decode(v1.group(1)).contains(":")) {
            segment = decode(v1.group(1));
        } else {
            return null;
        }
        int colon = segment.lastIndexOf(':');
        String model = colon < 0 ? segment : segment.substring(0, colon);
        return model.isBlank() ? null : model;
    }

    /** The method after the model's colon ({@code generateContent}), or null. */
    static String method(String path) {
        int slash = path.lastIndexOf('/');
        String segment = decode(path.substring(slash + 1));
        int colon = segment.lastIndexOf(':');
        return colon < 0 ? null : segment.substring(colon + 1);
    }

    /** Percent-decoding as in a path: {@code +} stays a plus sign; a malformed escape is kept as it is. */
    static String decode(String text) {
        return RequestTarget.percentDecoded(text);
    }
}
