package dev.modelcache.bench;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** What the hit benchmarks send and what their fake OpenAI answers beside the answer file in bench/data. */
final class BenchFixtures {
    /** The caller's key: the fake upstream takes any. */
    static final String API_KEY = "sk-bench-not-a-real-key";

    private static final String CHUNK = "data: {\"id\":\"chatcmpl-BgQ5Kd2pTn8vWq4rXz1bMe7cYh6Ju\",\"object\":\"chat.completion.chunk\","
            + "\"created\":1749463301,\"model\":\"gpt-4o-mini-2024-07-18\",\"service_tier\":\"default\","
            + "\"system_fingerprint\":\"fp_34a54ae93c\",\"choices\":[%s],\"usage\":null}\n\n";

    private BenchFixtures() {
    }

    /**
     * An OpenAI chat completion stream of {@code count} events (at least 4), shaped as api.openai.com sends it with
     * {@code stream_options.include_usage}: the role, content deltas of a word each, the finish, the usage chunk and
     * {@code [DONE]}.
     */
    static List<String> chatEvents(int count) {
        if (count < 4) {
            throw new IllegalArgumentException("a chat stream has at least 4 events");
        }
        String[] words = ("A reverse proxy answers clients on behalf of the servers behind it, so it is a natural place"
                + " to cache repeated answers, terminate TLS and keep an access log").split(" ");
        List<String> events = new ArrayList<>();
        events.add(chunk("{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null},"
                + "\"logprobs\":null,\"finish_reason\":null}"));
        int contents = count - 4;
        for (int i = 0; i < contents; i++) {
            String word = (i == 0 ? "" : " ") + words[i % words.length];
            events.add(chunk("{\"index\":0,\"delta\":{\"content\":\"" + word + "\"},\"logprobs\":null,\"finish_reason\":null}"));
        }
        events.add(chunk("{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"stop\"}"));
        events.add(String.format(CHUNK, "").replace("\"usage\":null", "\"usage\":{\"prompt_tokens\":28,"
                + "\"completion_tokens\":" + contents + ",\"total_tokens\":" + (28 + contents) + ","
                + "\"prompt_tokens_details\":{\"cached_tokens\":0,\"audio_tokens\":0},\"completion_tokens_details\":"
                + "{\"reasoning_tokens\":0,\"audio_tokens\":0,\"accepted_prediction_tokens\":0,\"rejected_prediction_tokens\":0}}"));
        events.add("data: [DONE]\n\n");
        return List.copyOf(events);
    }

    /** The plain request asking for the same answer as a stream, with usage at its end. */
    static byte[] streamRequest(byte[] plain) {
        String text = new String(plain, StandardCharsets.UTF_8).strip();
        if (!text.endsWith("}")) {
            throw new IllegalArgumentException("the request is not a JSON object");
        }
        return (text.substring(0, text.length() - 1) + ",\"stream\":true,\"stream_options\":{\"include_usage\":true}}")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static String chunk(String choice) {
        return String.format(CHUNK, choice);
    }
}
