package dev.modelcache;

import static dev.modelcache.support.TestProxy.CHAT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelcache.billing.KilledChild;
import dev.modelcache.support.FakeUpstream;
import dev.modelcache.support.FakeUpstream.Reply;
import dev.modelcache.support.TestProxy;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A proxy killed (SIGKILL) while its misses' store steps run off the request threads leaves every answer whose client
 * had its last byte either stored whole or not stored at all, never torn: a proxy started on the same cache folder
 * answers each of those requests from the cache byte for byte as the provider answered it, or not at all (504 with
 * {@code only-if-cached}).
 */
class StoredMissCrashTest {
    static final int SEEN = 30;

    @TempDir
    Path cacheDir;

    static String ask(int n) {
        return "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"question " + n + "\"}]}";
    }

    /** The provider's answer to question {@code n}, long enough that a torn record would show. */
    static String answer(int n) {
        return "{\"id\":\"chatcmpl-" + n + "\",\"object\":\"chat.completion\",\"model\":\"gpt-4o-mini\",\"choices\":"
                + "[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"" + ("answer " + n + " ").repeat(2000)
                + "\"},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":4000}}";
    }

    static Reply reply(FakeUpstream.Request request) {
        String text = request.bodyText();
        int n = Integer.parseInt(text.substring(text.indexOf("question ") + 9, text.indexOf("\"}]}")));
        return Reply.json(200, answer(n));
    }

    /** The proxy that is killed: one new question after another, one line on stdout per answer its client had. */
    public static void main(String[] args) throws Exception {
        try {
            TestProxy proxy = TestProxy.start(TestProxy.settings(args[0], Path.of(args[1])));
            for (int n = 1; ; n++) {
                HttpResponse<String> answer = proxy.post(CHAT, ask(n));
                if (answer.statusCode() != 200 || !answer.body().equals(answer(n))) {
                    throw new IllegalStateException("answer " + n + ": " + answer.statusCode());
                }
                System.out.println(n);
                System.out.flush();
            }
        } catch (Throwable e) {
            e.printStackTrace();
            System.exit(1);
        }
    }

    @Test
    void anAnswerWhoseClientHadItIsStoredWholeOrNotAtAllAfterAKill() throws Exception {
        try (FakeUpstream upstream = FakeUpstream.start().handler(StoredMissCrashTest::reply)) {
            KilledChild.runUntil(StoredMissCrashTest.class, SEEN, upstream.baseUrl(), cacheDir.toString());
            int stored = 0;
            try (TestProxy restarted = TestProxy.start(upstream.baseUrl(), cacheDir)) {
                int called = upstream.calls();
                for (int n = 1; n <= SEEN; n++) {
                    HttpResponse<String> again = restarted.post(CHAT, ask(n), "Cache-Control", "only-if-cached");
                    if (again.statusCode() == 200) {
                        assertEquals(answer(n), again.body(), "answer " + n + " is whole");
                        stored++;
                    } else {
                        assertEquals(504, again.statusCode(), "answer " + n + " is not stored: " + again.body());
                    }
                }
                assertEquals(called, upstream.calls(), "nothing was asked of the provider");
            }
            assertTrue(stored >= SEEN - 1 - 2 - 16, "at most the steps still queued or running are lost: " + stored);
        }
    }
}
