package dev.modelcache.support;

import java.util.List;

/** Gemini's wire formats as generativelanguage.googleapis.com sends them, for fake upstreams. */
public final class GeminiFixtures {
    public static final String MODEL = "gemini-2.5-flash";
    public static final String GENERATE = "/v1beta/models/" + MODEL + ":generateContent";
    public static final String STREAM = "/v1beta/models/" + MODEL + ":streamGenerateContent";
    public static final String EMBED = "/v1beta/models/gemini-embedding-001:embedContent";
    public static final String REQUEST = "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"Say hello\"}]}],"
            + "\"generationConfig\":{\"temperature\":0}}";
    public static final String ANSWER = "{\n  \"candidates\": [\n    {\n      \"content\": {\n        \"parts\": [\n"
            + "          {\n            \"text\": \"Hello!\"\n          }\n        ],\n        \"role\": \"model\"\n      },\n"
            + "      \"finishReason\": \"STOP\",\n      \"index\": 0\n    }\n  ],\n  \"usageMetadata\": {\n"
            + "    \"promptTokenCount\": 3,\n    \"candidatesTokenCount\": 2,\n    \"totalTokenCount\": 25,\n"
            + "    \"thoughtsTokenCount\": 20\n  },\n  \"modelVersion\": \"gemini-2.5-flash\",\n  \"responseId\": \"r-1\"\n}\n";
    /** {@code alt=sse}: CRLF line endings, usage on every event, the finishReason on the last; no sentinel. */
    public static final List<String> EVENTS = List.of(
            "data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"Hel\"}],\"role\": \"model\"},\"index\": 0}],"
                    + "\"usageMetadata\": {\"promptTokenCount\": 3,\"candidatesTokenCount\": 1,\"totalTokenCount\": 4},"
                    + "\"modelVersion\": \"gemini-2.5-flash\",\"responseId\": \"r-2\"}\r\n\r\n",
            "data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"lo!\"}],\"role\": \"model\"},\"finishReason\": \"STOP\",\"index\": 0}],"
                    + "\"usageMetadata\": {\"promptTokenCount\": 3,\"candidatesTokenCount\": 2,\"totalTokenCount\": 5},"
                    + "\"modelVersion\": \"gemini-2.5-flash\",\"responseId\": \"r-2\"}\r\n\r\n");
    /** Without {@code alt=sse}: one JSON array, sent in pieces. */
    public static final List<String> ARRAY = List.of("[{\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"Hel\"}],\"role\": \"model\"},\"index\": 0}]}\n",
            ",\r\n{\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"lo!\"}],\"role\": \"model\"},\"finishReason\": \"STOP\",\"index\": 0}],"
                    + "\"usageMetadata\": {\"promptTokenCount\": 3,\"candidatesTokenCount\": 2,\"totalTokenCount\": 5}}\n]");
    public static final String EMBED_REQUEST = "{\"content\":{\"parts\":[{\"text\":\"Hello\"}]}}";
    public static final String EMBEDDING = "{\n  \"embedding\": {\n    \"values\": [\n      0.013,\n      -0.008\n    ]\n  }\n}\n";

    private GeminiFixtures() {
    }
}
