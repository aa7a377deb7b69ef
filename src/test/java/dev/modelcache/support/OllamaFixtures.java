package dev.modelcache.support;

import java.util.List;

/** Requests and answers of Ollama's native API, as an Ollama 0.12 server writes them. */
public final class OllamaFixtures {
    public static final String CHAT = "/api/chat";
    public static final String GENERATE = "/api/generate";
    public static final String EMBED = "/api/embed";

    /** A chat request that says nothing of streaming: Ollama streams it. */
    public static final String CHAT_REQUEST = "{\"model\":\"llama3.2\",\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}]}";
    public static final String CHAT_REQUEST_NO_STREAM = "{\"model\":\"llama3.2\",\"stream\":false,\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}]}";
    public static final String GENERATE_REQUEST = "{\"model\":\"qwen3:4b\",\"prompt\":\"Why is the sky blue?\",\"stream\":false}";
    public static final String EMBED_REQUEST = "{\"model\":\"mistral-embed-local\",\"input\":[\"Hello\",\"World\"]}";

    /** The lines of a streamed chat answer, each ending in a newline; the last says done. */
    public static final List<String> CHAT_LINES = List.of(
            "{\"model\":\"llama3.2\",\"created_at\":\"2025-10-01T10:00:00.1Z\",\"message\":{\"role\":\"assistant\",\"content\":\"Hel\"},\"done\":false}\n",
            "{\"model\":\"llama3.2\",\"created_at\":\"2025-10-01T10:00:00.2Z\",\"message\":{\"role\":\"assistant\",\"content\":\"lo!\"},\"done\":false}\n",
            "{\"model\":\"llama3.2\",\"created_at\":\"2025-10-01T10:00:00.3Z\",\"message\":{\"role\":\"assistant\",\"content\":\"\"},"
                    + "\"done\":true,\"done_reason\":\"stop\",\"total_duration\":350000000,\"load_duration\":1000000,"
                    + "\"prompt_eval_count\":26,\"prompt_eval_duration\":90000000,\"eval_count\":3,\"eval_duration\":200000000}\n");

    /** A stream that fails after its first line. */
    public static final List<String> FAILED_LINES = List.of(CHAT_LINES.get(0),
            "{\"error\":\"an error was encountered while running the model: unexpected EOF\"}\n");

    public static final String CHAT_ANSWER = "{\"model\":\"llama3.2\",\"created_at\":\"2025-10-01T10:00:00.3Z\","
            + "\"message\":{\"role\":\"assistant\",\"content\":\"Hello!\"},\"done_reason\":\"stop\",\"done\":true,"
            + "\"total_duration\":350000000,\"prompt_eval_count\":26,\"eval_count\":3}";
    public static final String GENERATE_ANSWER = "{\"model\":\"qwen3:4b\",\"created_at\":\"2025-10-01T10:00:00.3Z\","
            + "\"response\":\"Rayleigh scattering.\",\"done\":true,\"done_reason\":\"stop\",\"context\":[1,2,3],"
            + "\"prompt_eval_count\":15,\"eval_count\":5}";
    public static final String EMBED_ANSWER = "{\"model\":\"mistral-embed-local\",\"embeddings\":[[0.01,-0.02],[0.03,0.04]],"
            + "\"total_duration\":14143917,\"load_duration\":1019500,\"prompt_eval_count\":8}";

    private OllamaFixtures() {
    }
}
