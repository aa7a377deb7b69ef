package dev.modelcache.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Random;

/**
 * Real-looking OpenAI chat-completion bodies for the benchmark's parts (units, memory, tiers, miss-overhead): a
 * request of about a given size (a system prompt, then user and assistant turns of English-like prose, sampling
 * fields and the {@code user} field the key ignores) and a ~1 KB answer with its usage. Deterministic for a seed, so
 * two runs measure the same bytes, and a different seed gives a different body (a miss).
 */
public final class UnitBodies {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] WORDS = ("the a of to and in is that for it on with as was be by this are or from at "
            + "cache request model token answer stream latency proxy server client function return value error retry "
            + "customer order invoice shipment refund summary paragraph translate explain compare list table json schema "
            + "python java query database index memory thread lock queue budget price provider deploy container kubernetes "
            + "please could you write short detailed example because however therefore although during before after").split(" ");

    private UnitBodies() {
    }

    /** A chat-completion request of about {@code targetBytes} bytes (never less than a few hundred). */
    public static byte[] request(int targetBytes, long seed) {
        return request("gpt-4o-mini", targetBytes, seed);
    }

    /** The same for {@code model}. */
    public static byte[] request(String model, int targetBytes, long seed) {
        Random random = new Random(seed);
        ObjectNode body = JSON.createObjectNode();
        body.put("model", model);
        ArrayNode messages = body.putArray("messages");
        messages.addObject().put("role", "system").put("content",
                "You are a helpful assistant for an online shop. Answer briefly and cite the order number. Session " + seed + ".");
        int turn = 0;
        int size = 300;
        while (size < targetBytes) {
            int words = Math.min(120, Math.max(8, (targetBytes - size) / 7));
            String text = prose(random, words);
            messages.addObject().put("role", turn % 2 == 0 ? "user" : "assistant").put("content", text);
            size += text.length() + 40;
            turn++;
        }
        if (turn % 2 == 0) {
            messages.addObject().put("role", "user").put("content", prose(random, 8));
        }
        body.put("temperature", 0.2);
        body.put("max_tokens", 512);
        body.put("user", "user-" + (seed % 1000));
        return body.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** A non-streamed chat-completion answer of about 1 KB, with its usage (so the proxy counts no tokens). */
    public static byte[] answer(long seed) {
        Random random = new Random(seed ^ 0x5DEECE66DL);
        ObjectNode body = JSON.createObjectNode();
        body.put("id", "chatcmpl-" + Long.toHexString(seed) + "B9MHDbslfCsfrrsXa0fu");
        body.put("object", "chat.completion");
        body.put("created", 1_765_000_000L + seed % 100_000);
        body.put("model", "gpt-4o-mini-2024-07-18");
        ObjectNode choice = body.putArray("choices").addObject();
        choice.put("index", 0);
        choice.putObject("message").put("role", "assistant").put("content", prose(random, 118)).putNull("refusal");
        choice.putNull("logprobs");
        choice.put("finish_reason", "stop");
        body.putObject("usage").put("prompt_tokens", 412).put("completion_tokens", 131).put("total_tokens", 543);
        body.put("service_tier", "default");
        body.put("system_fingerprint", "fp_560af6e559");
        return body.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String prose(Random random, int words) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < words; i++) {
            String word = WORDS[random.nextInt(WORDS.length)];
            if (i == 0 || text.charAt(text.length() - 2) == '.') {
                word = Character.toUpperCase(word.charAt(0)) + word.substring(1);
            }
            text.append(word).append(i % 11 == 10 ? ". " : i % 7 == 6 ? ", " : " ");
        }
        return text.toString().trim() + ".";
    }
}
