package dev.modelcache.billing;

import static dev.modelcache.support.TestProxy.CHAT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelcache.support.FakeUpstream;
import dev.modelcache.support.FakeUpstream.Reply;
import dev.modelcache.support.TestProxy;
import dev.modelcache.tokens.TokenCounter;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A crash-looping proxy caps as it should: a proxy in a separate JVM answers misses (the fake provider reports the
 * prompt the proxy counts and the 500 output tokens the request allows, so each call's estimate is exact) until it is killed with SIGKILL after {@value #SEEN} answers; a proxy started on the same cache
 * folder with a daily token cap that those answers use up refuses the next miss. (The last answer's settlement may
 * come after the kill: the client has its answer before its tokens are counted. Its reservation then counts, at the
 * estimate.) Before the budget
 * had its own journal it counted from the ledger, written about once a second, and let the call go.
 */
class ProxyKillBudgetTest {
    static final int SEEN = 10;
    static final int MAX_TOKENS = 500;
    static final TokenCounter COUNTER = new TokenCounter();
    static final ObjectMapper JSON = new ObjectMapper();

    /** What a call uses, as the provider reports it: the prompt the proxy counts, and all the output it allows. */
    static long tokens(String body) throws Exception {
        return COUNTER.countPrompt("gpt-4o-mini", JSON.readTree(body)).tokens() + MAX_TOKENS;
    }

    static Reply answer(FakeUpstream.Request request) {
        try {
            long prompt = tokens(request.bodyText()) - MAX_TOKENS;
            return Reply.json(200, "{\"id\":\"c\",\"object\":\"chat.completion\",\"model\":\"gpt-4o-mini\",\"choices\":"
                    + "[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"ok\"},\"finish_reason\":\"length\"}],"
                    + "\"usage\":{\"prompt_tokens\":" + prompt + ",\"completion_tokens\":" + MAX_TOKENS + "}}");
        } catch (Exception e) {
            return Reply.json(500, "{}");
        }
    }

    @TempDir
    Path cacheDir;

    static String ask(String question) {
        return "{\"model\":\"gpt-4o-mini\",\"max_tokens\":" + MAX_TOKENS + ",\"messages\":[{\"role\":\"user\",\"content\":\"" + question + "\"}]}";
    }

    /** The proxy that is killed: answers one new question after another, one line on stdout per answer. */
    public static void main(String[] args) throws Exception {
        Map<String, String> settings = TestProxy.settings(args[0], Path.of(args[1]));
        settings.put("budget/dailyTokens", "1000000000");
        try {
            TestProxy proxy = TestProxy.start(settings);
            for (int n = 1; ; n++) {
                HttpResponse<String> answer = proxy.post(CHAT, ask("question " + n), "Authorization", "Bearer sk-alice");
                if (answer.statusCode() != 200) {
                    throw new IllegalStateException("answer " + n + ": " + answer.statusCode() + " " + answer.body());
                }
                System.out.println(n);
                System.out.flush();
            }
        } catch (Throwable e) {
            e.printStackTrace(); // to the parent's file; then end the JVM, whose Tomcat threads would keep it alive
            System.exit(1);
        }
    }

    @Test
    void aProxyKilledWhileSpendingCountsEveryAnswerItGaveAfterARestart() throws Exception {
        try (FakeUpstream upstream = FakeUpstream.start().handler(ProxyKillBudgetTest::answer)) {
            long seen = KilledChild.runUntil(ProxyKillBudgetTest.class, SEEN, upstream.baseUrl(), cacheDir.toString());
            assertEquals(SEEN, seen, "the first proxy answered");
            int called = upstream.calls();

            // Used up by the answers before the kill, if all of them are counted.
            long used = 0;
            for (int n = 1; n <= SEEN; n++) {
                used += tokens(ask("question " + n));
            }
            Map<String, String> settings = TestProxy.settings(upstream.baseUrl(), cacheDir);
            settings.put("budget/dailyTokens", Long.toString(used));
            try (TestProxy restarted = TestProxy.start(settings)) {
                HttpResponse<String> next = restarted.post(CHAT, ask("one more"), "Authorization", "Bearer sk-alice");
                assertEquals(429, next.statusCode(), "the " + SEEN + " answers before the kill count: " + next.body());
                assertTrue(next.body().contains("budget/dailyTokens"), next.body());
            }
            assertEquals(called, upstream.calls(), "the refused call never reached the provider");
        }
    }
}
