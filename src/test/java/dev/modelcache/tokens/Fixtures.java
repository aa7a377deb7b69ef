package dev.modelcache.tokens;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** JSON for the token tests: inline documents and the OpenAI Cookbook's example conversation. */
final class Fixtures {
    static final ObjectMapper JSON = new ObjectMapper();

    private Fixtures() {
    }

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The cookbook's example_messages with the prompt_tokens the OpenAI API reported for them, per model. */
    static JsonNode cookbook() {
        try (InputStream in = Fixtures.class.getResourceAsStream("/tokens/cookbook-example-messages.json")) {
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A chat request for the model with the cookbook's example messages. */
    static ObjectNode cookbookRequest(String model) {
        ObjectNode request = JSON.createObjectNode();
        if (model != null) {
            request.put("model", model);
        }
        request.set("messages", cookbook().get("messages").deepCopy());
        return request;
    }

    static ArrayNode messages(ObjectNode request) {
        return (ArrayNode) request.get("messages");
    }
}
