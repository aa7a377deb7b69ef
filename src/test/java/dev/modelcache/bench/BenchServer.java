package dev.modelcache.bench;

import dev.modelcache.launcher.Launcher;
import dev.modelcache.support.FakeUpstream;
import java.io.IOException;
import java.lang.reflect.Method;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.catalina.Container;
import org.apache.catalina.Context;
import org.apache.catalina.Host;
import org.apache.catalina.core.StandardContext;
import org.apache.catalina.startup.Tomcat;

/**
 * The server side of the hit benchmark, in its own JVM (pinned by the harness to the server core): ModelCache as the
 * launcher runs it ({@link Launcher#start}, the launcher's console access log, {@code webapp-config/context.xml},
 * every setting at its default but the cache folder and the provider's address), a fake OpenAI on loopback for the
 * first misses, and beside the proxy, in a second context of the same Tomcat ({@code /bare}), a {@link BareServlet}
 * answering the same bytes with the same headers. The two therefore share the connector, its threads and its
 * keep-alive settings, so their ratio is what ModelCache adds to the container.
 *
 * <p>Before it says {@code READY}, it stores the plain and the streamed answer with one miss each, checks that the
 * second asking is a {@code HIT} with the upstream's bytes, and gives the bare servlet the hit's headers. It stops when
 * its standard input closes (or it is killed).
 *
 * <p>Arguments: {@code port answerFile requestFile streamEvents}. Not a test: the harness runs it (bench/parts/hits.sh).
 */
public final class BenchServer {
    /** Headers a response gets from the connector itself, not from what the proxy chose to send. */
    private static final Set<String> CONNECTOR_HEADERS = Set.of("date", "content-length", "transfer-encoding",
            "connection", "keep-alive", ":status");

    private BenchServer() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        byte[] answer = Files.readAllBytes(Path.of(args[1]));
        byte[] request = Files.readAllBytes(Path.of(args[2]));
        int streamEvents = Integer.parseInt(args[3]);
        List<String> events = BenchFixtures.chatEvents(streamEvents);

        FakeUpstream upstream = FakeUpstream.start().handler(r -> r.bodyText().contains("\"stream\":true")
                ? FakeUpstream.Reply.sse(events)
                : FakeUpstream.Reply.json(200, new String(answer, StandardCharsets.UTF_8)));
        System.setProperty("modelcache.providers.openai.baseUrl", upstream.baseUrl());
        installLauncherAccessLog();
        Launcher launcher = Launcher.start(port, Path.of("webapp-config/context.xml"), Path.of("src/main/webapp"));
        BareServlet bare = new BareServlet();
        addBareContext(launcher, bare);

        String base = "http://127.0.0.1:" + launcher.port();
        HttpResponse<byte[]> hit = storeAndHit(base + "/v1/chat/completions", request);
        if (!Arrays.equals(hit.body(), answer)) {
            throw new IllegalStateException("the hit's body is not the upstream's answer byte for byte");
        }
        bare.answer(answer, headersOf(hit));
        byte[] streamRequest = BenchFixtures.streamRequest(request);
        HttpResponse<byte[]> streamHit = storeAndHit(base + "/v1/chat/completions", streamRequest);
        if (!new String(streamHit.body(), StandardCharsets.UTF_8).equals(String.join("", events))) {
            throw new IllegalStateException("the streamed hit is not the upstream's events byte for byte");
        }
        System.out.println("READY " + launcher.port() + " hit-headers " + headersOf(hit));
        System.out.flush();
        while (System.in.read() >= 0) {
            // Runs until the harness closes standard input.
        }
        launcher.stop();
        upstream.close();
        System.exit(0);
    }

    /**
     * The launcher's own console handler for the access log, as {@code Launcher.main} installs it (it is package
     * private there; calling it keeps this benchmark measuring whatever the launcher ships).
     */
    private static void installLauncherAccessLog() throws ReflectiveOperationException {
        Method install = Class.forName("dev.modelcache.launcher.AccessLogConsole").getDeclaredMethod("install");
        install.setAccessible(true);
        install.invoke(null);
    }

    /** A second web application at {@code /bare} in the launcher's Tomcat: same host, connector and threads. */
    private static void addBareContext(Launcher launcher, BareServlet servlet) throws IOException {
        Container engine = launcher.connector().getService().getContainer();
        Host host = (Host) engine.findChildren()[0];
        StandardContext context = new StandardContext();
        context.setName("/bare");
        context.setPath("/bare");
        context.setDocBase(Files.createTempDirectory("bench-bare").toString());
        context.addLifecycleListener(new Tomcat.FixContextListener());
        host.addChild(context);
        Tomcat.addServlet((Context) context, "bare", servlet);
        context.addServletMappingDecoded("/*", "bare");
    }

    private static HttpResponse<byte[]> storeAndHit(String url, byte[] body) throws IOException, InterruptedException {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + BenchFixtures.API_KEY)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
            String cache = response.headers().firstValue("X-Cache").orElse("-");
            seen.add(response.statusCode() + " " + cache);
            if (i == 1) {
                if (response.statusCode() != 200 || !cache.equals("HIT")) {
                    throw new IllegalStateException("no cache hit after one miss: " + seen);
                }
                return response;
            }
        }
        throw new AssertionError();
    }

    private static Map<String, String> headersOf(HttpResponse<?> response) {
        Map<String, String> headers = new LinkedHashMap<>();
        response.headers().map().forEach((name, values) -> {
            if (!CONNECTOR_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
                headers.put(name, String.join(", ", values));
            }
        });
        return headers;
    }
}
