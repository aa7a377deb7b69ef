package dev.modelcache.fuzz;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelcache.support.FakeUpstream;
import dev.modelcache.support.FakeUpstream.Reply;
import dev.modelcache.support.RawHttp;
import dev.modelcache.support.TestProxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * The whole request path over real sockets: hostile paths, queries and bodies sent to the real servlet in embedded
 * Tomcat in front of a healthy fake upstream. Every answer is an HTTP answer, and none is a 5xx but the documented
 * upstream ones (502, 504): whatever a client sends, the proxy refuses it with a 4xx or answers it. Few tries (each
 * is an exchange); {@value FuzzTries#HTTP_TRIES} sets more for the longer run.
 */
@AddLifecycleHook(FuzzTries.class)
class HttpFuzzTest {
    private static FakeUpstream upstream;
    private static TestProxy proxy;
    private static Path cacheDir;

    @BeforeContainer
    static void start() throws Exception {
        upstream = FakeUpstream.start().handler(r -> Reply.json(200,
                "{\"choices\":[{\"message\":{\"content\":\"ok\"}}],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1}}"));
        cacheDir = Files.createTempDirectory("modelcache-fuzz-http");
        proxy = TestProxy.start(upstream.baseUrl(), cacheDir);
    }

    @AfterContainer
    static void stop() throws Exception {
        proxy.close();
        upstream.close();
        try (var all = Files.walk(cacheDir)) {
            all.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Provide
    Arbitrary<String> paths() {
        return Arbitraries.oneOf(Targets.paths(), Arbitraries.of("/v1/chat/completions", "/v1/embeddings",
                "/v1/chat/%2e%2e/completions", "/_cache/explain", "/v1beta/models/gemini-pro:generateContent"));
    }

    @Provide
    Arbitrary<String> queries() {
        return Targets.queries();
    }

    @Provide
    Arbitrary<String> bodies() {
        return JsonGen.hostileTexts();
    }

    @Provide
    Arbitrary<String> methods() {
        return Arbitraries.of("POST", "POST", "GET", "PUT", "DELETE", "OPTIONS");
    }

    @Property(tries = 60)
    @FuzzTries.OverHttp
    void noRequestGetsA5xxOfTheProxysOwn(@ForAll("methods") String method, @ForAll("paths") String path,
                                         @ForAll("queries") String query, @ForAll("bodies") String body)
            throws Exception {
        String target = onTheWire(path) + (query.isEmpty() ? "" : "?" + onTheWire(query));
        if (!target.startsWith("/")) {
            target = "/" + target;
        }
        String sent = target;
        RawHttp.Answer answer = Bounded.call(Bounded.TIME.multipliedBy(4), Long.MAX_VALUE,
                () -> RawHttp.send(proxy.uri("/"), method, sent, method.equals("GET") ? null : body));
        int status = answer.status();
        assertTrue(status >= 200 && status < 500 || status == 502 || status == 504,
                () -> "status " + status + " for " + method + " " + sent + ": " + answer.body());
    }

    @Example
    void theJsonCorpusGetsNo5xx() throws Exception {
        for (String body : Corpus.texts("json")) {
            noRequestGetsA5xxOfTheProxysOwn("POST", "/v1/chat/completions", "", body);
            noRequestGetsA5xxOfTheProxysOwn("POST", "/_cache/explain", "",
                    "{\"method\":\"POST\",\"path\":\"/v1/chat/completions\",\"body\":" + body + "}");
        }
    }

    @Example
    void thePathAndQueryCorpusGetsNo5xx() throws Exception {
        for (String path : Corpus.texts("paths")) {
            noRequestGetsA5xxOfTheProxysOwn("POST", path, "", "{\"model\":\"gpt-4o\"}");
        }
        for (String query : Corpus.texts("queries")) {
            noRequestGetsA5xxOfTheProxysOwn("POST", "/v1/chat/completions", query, "{\"model\":\"gpt-4o\"}");
        }
    }

    /** The request line cannot carry spaces, controls or raw non-ASCII: those go as their UTF-8 escapes. */
    private static String onTheWire(String text) {
        StringBuilder out = new StringBuilder();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c <= 0x20 || c >= 0x7f || c == '#') {
                out.append('%').append(String.format("%02X", c));
            } else {
                out.append((char) c);
            }
        }
        return out.toString();
    }
}
