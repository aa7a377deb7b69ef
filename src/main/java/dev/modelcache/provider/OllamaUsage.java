package dev.modelcache.provider;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelcache.tokens.Usage;
import java.util.List;

/**
 * Token counts as Ollama reports them: {@code prompt_eval_count} (the prompt) and {@code eval_count} (the generated
 * tokens) of a whole answer ({@code /api/chat}, {@code /api/generate}; {@code /api/embed} reports only the prompt),
 * or of the {@code "done": true} line that ends a stream. The counts come from the model's own tokenizer, so they are
 * never estimates; an answer without them (the legacy {@code /api/embeddings}) counts nothing.
 */
final class OllamaUsage {
    private OllamaUsage() {
    }

    static Usage of(JsonNode answer) {
        if (answer == null || !answer.isObject()) {
            return Usage.NONE;
        }
        return new Usage(answer.path("prompt_eval_count").asLong(0), answer.path("eval_count").asLong(0), false);
    }

    /** The counts of a stream's last {@code "done": true} line, given each line's JSON in order; null without one. */
    static Usage ofStream(List<String> lines) {
        for (int i = lines.size() - 1; i >= 0; i--) {
            JsonNode line = OllamaStream.parse(lines.get(i));
            if (line != null && line.path("done").asBoolean(false)) {
                return of(line);
            }
        }
        return null;
    }
}
