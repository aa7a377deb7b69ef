package dev.modelcache.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProxyErrorTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void bodyIsTheOpenAiErrorShape() throws IOException {
        ProxyError e = new ProxyError(502, "upstream_error", "upstream_unreachable", "The provider said \"no\"\nat all.");
        JsonNode root = JSON.readTree(e.body());
        assertEquals(List.of("error"), iterate(root));
        JsonNode error = root.get("error");
        assertEquals(List.of("message", "type", "param", "code"), iterate(error));
        assertEquals("The provider said \"no\"\nat all.", error.get("message").asText());
        assertEquals("upstream_error", error.get("type").asText());
        assertTrue(error.get("param").isNull());
        assertEquals("upstream_unreachable", error.get("code").asText());
        assertEquals(502, e.status());
        assertEquals("upstream_unreachable", e.code());
        assertTrue(new String(e.body(), StandardCharsets.UTF_8).endsWith("}\n"));
    }

    private static List<String> iterate(JsonNode node) {
        List<String> names = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void badRequestIsA400InvalidRequestError() throws IOException {
        ProxyError e = ProxyError.badRequest("model_not_found", "nope");
        assertEquals(400, e.status());
        JsonNode error = JSON.readTree(e.body()).get("error");
        assertEquals("invalid_request_error", error.get("type").asText());
        assertEquals("model_not_found", error.get("code").asText());
        assertEquals("nope", error.get("message").asText());
    }

    @Test
    void causeIsKept() {
        IOException cause = new IOException("x");
        assertSame(cause, new ProxyError(504, "upstream_error", "upstream_timeout", "slow", cause).getCause());
    }
}
