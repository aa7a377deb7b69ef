package dev.modelcache.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

/**
 * The streaming benchmark's own tools agree with each other and with the bytes they promise: the fake upstream's
 * streams, taken by the one-thread client, arrive whole (chunked framing undone, every event counted and timed) and
 * match both what the fake says it sent and the events rebuilt independently; a plain answer with a length is read
 * too. No timing is asserted.
 */
class StreamToolsTest {
    private static final int EVENTS = 6;

    @Test
    void manyStreamsAtOnceArriveWholeAndMatchWhatTheFakeSent() throws Exception {
        try (StreamUpstream upstream = new StreamUpstream(EVENTS, Duration.ofMillis(2), true);
             StreamClient client = new StreamClient(true)) {
            InetSocketAddress address = new InetSocketAddress("127.0.0.1", upstream.port());
            List<CompletableFuture<StreamClient.Result>> futures = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                futures.add(client.send(address, request(upstream.port(), "t" + i, true), EVENTS));
            }
            for (int i = 0; i < futures.size(); i++) {
                StreamClient.Result result = futures.get(i).get(30, TimeUnit.SECONDS);
                StreamUpstream.Sent sent = upstream.sent("t" + i);
                assertNull(result.error());
                assertEquals(200, result.status());
                assertEquals(EVENTS, result.events());
                assertNotNull(sent);
                byte[] expected = body("t" + i);
                CRC32C crc = new CRC32C();
                crc.update(expected);
                assertEquals(expected.length, result.bytes());
                assertEquals(crc.getValue(), result.crc());
                assertEquals(sent.crc(), result.crc());
                for (int e = 1; e < EVENTS; e++) {
                    assertTrue(result.eventNanos()[e] >= result.eventNanos()[e - 1], "arrival times in order");
                    assertTrue(sent.eventNanos()[e] >= sent.eventNanos()[e - 1], "write times in order");
                }
            }
            assertEquals(0, client.receiving());
        }
    }

    @Test
    void aPlainAnswerWithALengthIsReadWhole() throws Exception {
        try (StreamUpstream upstream = new StreamUpstream(EVENTS, Duration.ofMillis(2), false);
             StreamClient client = new StreamClient(false)) {
            StreamClient.Result result = client.send(new InetSocketAddress("127.0.0.1", upstream.port()),
                    request(upstream.port(), "plain", false), 1).get(30, TimeUnit.SECONDS);
            assertNull(result.error());
            assertEquals(200, result.status());
            assertTrue(result.bytes() > 700, "about a kilobyte: " + result.bytes());
            assertEquals(0, result.events());
        }
    }

    @Test
    void maxTokensShortensAStream() throws Exception {
        try (StreamUpstream upstream = new StreamUpstream(EVENTS, Duration.ofMillis(2), false);
             StreamClient client = new StreamClient(false)) {
            String body = "{\"model\":\"gpt-4o-mini\",\"stream\":true,\"max_tokens\":3,\"messages\":[{\"role\":\"user\","
                    + "\"content\":\"bench-short\"}]}";
            StreamClient.Result result = client.send(new InetSocketAddress("127.0.0.1", upstream.port()),
                    StreamClient.post("127.0.0.1", upstream.port(), "/v1/chat/completions", body), 3).get(30, TimeUnit.SECONDS);
            assertEquals(3, result.events());
            assertEquals(upstream.sent("short").bytes(), result.bytes());
        }
    }

    private static byte[] request(int port, String id, boolean stream) {
        String body = "{\"model\":\"gpt-4o-mini\"," + (stream ? "\"stream\":true," : "")
                + "\"messages\":[{\"role\":\"user\",\"content\":\"bench-" + id + "\"}]}";
        return StreamClient.post("127.0.0.1", port, "/v1/chat/completions", body);
    }

    private static byte[] body(String id) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int e = 0; e < EVENTS; e++) {
            out.writeBytes(StreamUpstream.event(id, e, EVENTS));
        }
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.endsWith("data: [DONE]\n\n"), text);
        return out.toByteArray();
    }
}
