package dev.modelcache.support;

import java.util.List;

/** What a fake Anthropic answers with, as api.anthropic.com sends it: the Messages API, streamed and not. */
public final class AnthropicFixtures {
    private AnthropicFixtures() {
    }

    public static final String MESSAGES = "/v1/messages";

    /** A request with a prompt-caching breakpoint, which must reach the provider untouched. */
    public static final String REQUEST = "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":64,\"system\":[{\"type\":\"text\","
            + "\"text\":\"You are terse.\",\"cache_control\":{\"type\":\"ephemeral\"}}],"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}]}";

    /** The same request, streamed. */
    public static final String STREAM_REQUEST = REQUEST.replace("\"max_tokens\":64,", "\"max_tokens\":64,\"stream\":true,");

    /** A non-streamed message with its usage block, cache reads and writes included. */
    public static final String MESSAGE = "{\"id\":\"msg_01\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5-20250929\","
            + "\"content\":[{\"type\":\"text\",\"text\":\"Hello!\"}],\"stop_reason\":\"end_turn\",\"stop_sequence\":null,"
            + "\"usage\":{\"input_tokens\":12,\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":2048,\"output_tokens\":4}}";

    /** A streamed message: message_start (prompt usage), a text block, a ping, message_delta (output usage), message_stop. */
    public static final List<String> EVENTS = List.of(
            "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_02\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5-20250929\",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":12,\"cache_creation_input_tokens\":2048,\"cache_read_input_tokens\":0,\"output_tokens\":1}}}\n\n",
            "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n",
            "event: ping\ndata: {\"type\": \"ping\"}\n\n",
            "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hello\"}}\n\n",
            "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\" there!\"}}\n\n",
            "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n",
            "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":5}}\n\n",
            "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");

    /** A stream that fails half-way with Anthropic's error event. */
    public static final List<String> OVERLOADED_EVENTS = List.of(EVENTS.get(0), EVENTS.get(1),
            "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n");

    /** The answer of /v1/messages/count_tokens. */
    public static final String COUNT = "{\"input_tokens\":14}";
}
