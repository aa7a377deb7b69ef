package dev.modelcache.deploy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelcache.support.FakeUpstream;
import dev.modelcache.support.FakeUpstream.Reply;
import dev.modelcache.support.OpenAiFixtures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The README's "Record once, replay in CI", step by step, with real {@code java -jar target/modelcache.war}
 * processes in a folder laid out like a user's project:
 * <ol>
 *   <li>record: the WAR as the README's Maven snippet starts it (its {@code MODELCACHE_PORT} and
 *       {@code MODELCACHE_CACHE_DIR=target/modelcache}), with a fake API key, against a fake provider: a plain and a
 *       streamed chat completion, a streamed Responses API answer and embeddings, in one namespace;</li>
 *   <li>export: the README's own export command line, read from the README and run as written;</li>
 *   <li>the cassette folder holds no byte of the API key;</li>
 *   <li>replay: an empty cache folder, the provider stopped, no API key anywhere, and exactly the environment of the
 *       README's CI job, read from its YAML: every request is a HIT with the recorded bytes; a request with another
 *       temperature is {@code 504 cache_miss} naming {@code /temperature}; {@code GET /_cache/report} lists it.</li>
 * </ol>
 * The CI variables and the export command come from README.md itself, so the documented recipe and this test
 * cannot drift apart: changing either breaks this test.
 */
class ReplayInCiIT {
    static final String NAMESPACE = "ci-suite";
    static final String CHAT = "/v1/chat/completions";
    static final String RESPONSES = "/v1/responses";
    static final String EMBEDDINGS = "/v1/embeddings";

    static final String PLAIN = "{\"model\":\"gpt-4o-mini\",\"temperature\":0.7,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"Say hi\"}]}";
    static final String PLAIN_OTHER_TEMPERATURE = "{\"model\":\"gpt-4o-mini\",\"temperature\":0.2,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"Say hi\"}]}";
    static final String STREAMED = "{\"model\":\"gpt-4o-mini\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"Say hello there\"}]}";
    static final String RESPONSES_STREAMED = "{\"model\":\"gpt-4o-mini\",\"stream\":true,\"input\":\"Say hi\"}";
    static final String EMBEDDING = "{\"model\":\"text-embedding-3-small\",\"input\":\"cached vectors\"}";
    static final String EMBEDDING_ANSWER = "{\"object\":\"list\",\"data\":[{\"object\":\"embedding\",\"index\":0,"
            + "\"embedding\":[0.0023064255,-0.009327292,0.015797347]}],\"model\":\"text-embedding-3-small\","
            + "\"usage\":{\"prompt_tokens\":2,\"total_tokens\":2}}";

    /** The four recorded requests: path and body. */
    static final List<String[]> RECORDED = List.of(
            new String[] {CHAT, PLAIN}, new String[] {CHAT, STREAMED},
            new String[] {RESPONSES, RESPONSES_STREAMED}, new String[] {EMBEDDINGS, EMBEDDING});

    /** A made-up API key, different each run, that must never reach a cassette. */
    final String apiKey = "sk-fake-ci-" + HexFormat.of().formatHex(new SecureRandom().generateSeed(16));

    FakeUpstream upstream;
    Path dir;
    Path project;
    Process process;
    Path output;

    @BeforeEach
    void start() throws IOException {
        upstream = FakeUpstream.start().handler(ReplayInCiIT::answer);
        dir = Deployment.freshDir("replay-ci");
        project = Files.createDirectories(dir.resolve("project"));
    }

    @AfterEach
    void stopAll() throws Exception {
        try {
            stop();
        } finally {
            upstream.close();
        }
    }

    private static Reply answer(FakeUpstream.Request request) {
        return switch (request.target()) {
            case CHAT -> request.bodyText().contains("\"stream\":true")
                    ? Reply.sse(OpenAiFixtures.CHAT_EVENTS) : Reply.json(200, OpenAiFixtures.CHAT_ANSWER);
            case RESPONSES -> Reply.sse(OpenAiFixtures.RESPONSES_EVENTS);
            case EMBEDDINGS -> Reply.json(200, EMBEDDING_ANSWER);
            default -> Reply.json(404, "{\"error\":{\"message\":\"not faked\",\"type\":\"invalid_request_error\"}}");
        };
    }

    @Test
    void recordExportCommitAndReplayOfflineAsTheReadmeSays() throws Exception {
        Readme readme = Readme.read();
        int port = Deployment.freePort();
        URI proxy = URI.create("http://127.0.0.1:" + port);
        Path cache = project.resolve("target/modelcache"); // the Maven snippet's ${project.build.directory}/modelcache

        // 1. Record with a (fake) key, against the (fake) provider, in readthrough mode.
        Map<String, String> recordEnv = new LinkedHashMap<>();
        recordEnv.put("MODELCACHE_PORT", String.valueOf(port));
        recordEnv.put("MODELCACHE_CACHE_DIR", cache.toString());
        recordEnv.put("MODELCACHE_PROVIDERS_OPENAI_BASEURL", upstream.baseUrl());
        startProxy(port, recordEnv);
        List<HttpResponse<byte[]>> recorded = new ArrayList<>();
        for (String[] request : RECORDED) {
            HttpResponse<byte[]> answer = post(proxy, request[0], request[1], apiKey);
            assertEquals(200, answer.statusCode(), () -> request[0] + " while recording: " + text(answer));
            assertEquals("MISS", Deployment.xCache(answer), request[0] + " while recording");
            recorded.add(answer);
        }
        assertEquals(RECORDED.size(), upstream.calls(), "each request reached the provider once");
        for (FakeUpstream.Request seen : upstream.requests()) {
            assertEquals("Bearer " + apiKey, seen.header("Authorization"), "the caller's key goes to the provider");
            assertNull(seen.header("X-Cache-Namespace"), "X-Cache-* headers are never forwarded");
        }
        stop();

        // 2. Export, with the README's command line as written (the proxy is stopped; the command needs none).
        Path cassettes = project.resolve("src/test/cassettes");
        run(readme.exportCommand);
        List<Path> files = cassetteFiles(cassettes);
        assertEquals(RECORDED.size(), files.size(), "one cassette file per recorded answer: " + files);
        for (Path file : files) {
            Path relative = cassettes.relativize(file);
            assertEquals(4, relative.getNameCount(), "<namespace>/<provider>/<path slug>/<model>-<key>.mcr: " + relative);
            assertEquals(NAMESPACE, relative.getName(0).toString(), "the namespace names the folder: " + relative);
            assertEquals("openai", relative.getName(1).toString(), "then the provider: " + relative);
            assertTrue(relative.getFileName().toString().matches(".+-[0-9a-f]{12}\\.mcr"), relative.toString());
            assertTrue(Files.readString(file, StandardCharsets.UTF_8).startsWith("modelcache-record 1\n"), relative + " is a record file");
        }

        // 3. The cassettes hold no credential: not the key, in any encoding of its bytes a grep would find.
        byte[] key = apiKey.getBytes(StandardCharsets.UTF_8);
        byte[] keyTail = apiKey.substring("sk-fake-ci-".length()).getBytes(StandardCharsets.UTF_8);
        try (Stream<Path> all = Files.walk(cassettes)) {
            for (Path file : all.filter(Files::isRegularFile).toList()) {
                byte[] bytes = Files.readAllBytes(file);
                assertFalse(contains(bytes, key), "the API key is in " + file);
                assertFalse(contains(bytes, keyTail), "part of the API key is in " + file);
            }
        }

        // 4. Replay: an empty cache folder, the provider gone, no key, the README's CI environment exactly.
        upstream.close();
        deleteTree(project.resolve("target"));
        Map<String, String> replayEnv = new LinkedHashMap<>();
        replayEnv.put("MODELCACHE_PORT", String.valueOf(port)); // the Maven snippet's two
        replayEnv.put("MODELCACHE_CACHE_DIR", cache.toString());
        replayEnv.putAll(readme.ciEnvironment); // the CI job's, as the README's YAML sets them
        startProxy(port, replayEnv);
        List<String> fileKeys = files.stream().map(f -> {
            String name = f.getFileName().toString();
            return name.substring(name.length() - ".mcr".length() - 12, name.length() - ".mcr".length());
        }).toList();
        for (int i = 0; i < RECORDED.size(); i++) {
            String[] request = RECORDED.get(i);
            HttpResponse<byte[]> replayed = post(proxy, request[0], request[1], null);
            assertEquals(200, replayed.statusCode(), () -> request[0] + " replayed: " + text(replayed) + "\n" + output());
            assertEquals("HIT", Deployment.xCache(replayed), request[0] + " replayed");
            assertArrayEquals(recorded.get(i).body(), replayed.body(), request[0] + ": the recorded bytes");
            assertEquals(recorded.get(i).headers().firstValue("Content-Type"), replayed.headers().firstValue("Content-Type"));
            String keyId = replayed.headers().firstValue("X-Cache-Key").orElse("(none)");
            assertTrue(fileKeys.contains(keyId), request[0] + ": X-Cache-Key " + keyId + " names a cassette file " + fileKeys);
        }

        // A request that was not recorded: 504 cache_miss, the differing path named in the body and the header.
        HttpResponse<byte[]> miss = post(proxy, CHAT, PLAIN_OTHER_TEMPERATURE, null);
        assertEquals(504, miss.statusCode(), () -> "a changed request in replay: " + text(miss));
        JsonNode error = Deployment.JSON.readTree(miss.body()).path("error");
        assertEquals("cache_miss", error.path("code").asText(), text(miss));
        assertEquals("cache_miss", error.path("type").asText(), text(miss));
        String missKey = error.path("key").asText();
        assertTrue(missKey.matches("[0-9a-f]{12}"), "the key id: " + text(miss));
        boolean named = false;
        for (JsonNode difference : error.path("explanation").path("differences")) {
            named |= difference.path("path").asText().equals("/temperature");
        }
        assertTrue(named, "explanation.differences names /temperature: " + text(miss));
        String reason = miss.headers().firstValue("X-Cache-Miss-Reason").orElse("(none)");
        assertTrue(reason.contains("/temperature"), "X-Cache-Miss-Reason: " + reason);

        // The CI report: the miss, with its explanation; every recorded entry was used.
        HttpResponse<byte[]> reportAnswer = Deployment.get(proxy, "/_cache/report");
        assertEquals(200, reportAnswer.statusCode(), () -> "GET /_cache/report: " + text(reportAnswer));
        JsonNode report = Deployment.JSON.readTree(reportAnswer.body());
        JsonNode misses = report.path("misses");
        assertEquals(1, misses.size(), "one miss: " + report);
        assertEquals(missKey, misses.path(0).path("key").asText(), report.toString());
        assertEquals(CHAT, misses.path(0).path("path").asText(), report.toString());
        assertEquals(NAMESPACE, misses.path(0).path("namespace").asText(), report.toString());
        assertTrue(misses.path(0).path("explanation").toString().contains("/temperature"), report.toString());
        assertTrue(report.path("unused").isArray(), report.toString());
        assertEquals(0, report.path("unused").size(), "every recording was used: " + report);
    }

    /** What the test takes from README.md: the CI job's variables and the export command line. */
    record Readme(Map<String, String> ciEnvironment, List<String> exportCommand) {
        private static final Pattern YAML = Pattern.compile("```yaml\\n(.*?)```", Pattern.DOTALL);
        private static final Pattern SH = Pattern.compile("```sh\\n(.*?)```", Pattern.DOTALL);
        private static final Pattern ENV_LINE = Pattern.compile("^\\s+(MODELCACHE_[A-Z_]+):\\s*(.*?)\\s*$", Pattern.MULTILINE);

        static Readme read() throws IOException {
            Path file = Path.of(Deployment.required("modelcache.it.webappConfig")).resolveSibling("README.md");
            String readme = Files.readString(file, StandardCharsets.UTF_8);
            int start = readme.indexOf("\n## Record once, replay in CI\n");
            assertTrue(start >= 0, "README.md has a section \"Record once, replay in CI\"");
            int end = readme.indexOf("\n## ", start + 1);
            String section = readme.substring(start, end < 0 ? readme.length() : end);

            Matcher yaml = YAML.matcher(section);
            assertTrue(yaml.find(), "the section has a CI job in a ```yaml block");
            Map<String, String> env = new LinkedHashMap<>();
            Matcher line = ENV_LINE.matcher(yaml.group(1));
            while (line.find()) {
                env.put(line.group(1), line.group(2).replaceAll("^\"|\"$", ""));
            }
            assertEquals(Set.of("MODELCACHE_CACHE_CASSETTES", "MODELCACHE_CACHE_MODE", "MODELCACHE_CACHE_SHARED"), env.keySet(),
                    "the CI job sets these three ModelCache variables and no other");
            assertEquals("replay", env.get("MODELCACHE_CACHE_MODE"));
            assertEquals("true", env.get("MODELCACHE_CACHE_SHARED"));

            List<String> export = null;
            Matcher sh = SH.matcher(section);
            while (sh.find() && export == null) {
                for (String command : sh.group(1).split("\n")) {
                    if (command.contains("modelcache.war export ")) {
                        export = Arrays.asList(command.trim().split("\\s+"));
                    }
                }
            }
            assertNotNull(export, "the section has the export command in a ```sh block");
            assertTrue(export.contains("--to") && export.get(export.indexOf("--to") + 1).equals(env.get("MODELCACHE_CACHE_CASSETTES")),
                    "the export writes the folder the CI job replays: " + export);
            return new Readme(env, export);
        }
    }

    /** Runs a README command line ({@code NAME=value ... java -jar modelcache.war ...}) in the project folder. */
    private void run(List<String> commandLine) throws Exception {
        Map<String, String> env = new LinkedHashMap<>();
        int at = 0;
        while (commandLine.get(at).matches("[A-Z_]+=.*")) {
            String[] pair = commandLine.get(at++).split("=", 2);
            env.put(pair[0], pair[1]);
        }
        assertEquals(List.of("java", "-jar", "modelcache.war"), commandLine.subList(at, at + 3), "a java -jar command: " + commandLine);
        List<String> args = new ArrayList<>(commandLine.subList(at + 3, commandLine.size()));
        ProcessBuilder builder = javaJar(args, env);
        Process command = builder.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (!command.waitFor(200, TimeUnit.MILLISECONDS)) {
            if (output().contains("ModelCache listening on") || System.nanoTime() > deadline) {
                command.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
                fail(commandLine + " did not run as a command that finishes (it started a proxy, or ran past 120 s):\n" + output());
            }
        }
        assertEquals(0, command.exitValue(), () -> commandLine + " failed:\n" + output());
    }

    private void startProxy(int port, Map<String, String> env) throws Exception {
        process = javaJar(List.of(), env).start();
        Process started = process;
        Runtime.getRuntime().addShutdownHook(new Thread(started::destroyForcibly));
        Deployment.awaitHealthy(URI.create("http://127.0.0.1:" + port), WarRuns.STARTUP, process::isAlive, this::output);
    }

    /** {@code java -jar target/modelcache.war args}, in the project folder, with {@code env} and no other ModelCache setting or key. */
    private ProcessBuilder javaJar(List<String> args, Map<String, String> env) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        output = Files.createTempFile(dir, "output-", ".log");
        List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-Djava.io.tmpdir=" + tmp.toAbsolutePath(),
                "-jar", Deployment.war().toAbsolutePath().toString()));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).directory(project.toFile())
                .redirectErrorStream(true).redirectOutput(output.toFile());
        Deployment.clearModelCacheVariables(builder.environment());
        builder.environment().keySet().removeIf(name -> name.startsWith("OPENAI_"));
        builder.environment().putAll(env);
        return builder;
    }

    private void stop() throws InterruptedException {
        if (process == null) {
            return;
        }
        Process stopping = process;
        process = null;
        stopping.destroy(); // SIGTERM, as Maven's asyncDestroyOnShutdown does
        if (!stopping.waitFor(30, TimeUnit.SECONDS)) {
            stopping.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            fail("java -jar did not stop within 30 s of SIGTERM:\n" + output());
        }
    }

    private HttpResponse<byte[]> post(URI base, String path, String json, String key) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").header("X-Cache-Namespace", NAMESPACE)
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        return Deployment.HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static List<Path> cassetteFiles(Path cassettes) throws IOException {
        assertTrue(Files.isDirectory(cassettes), "the export made " + cassettes);
        try (Stream<Path> all = Files.walk(cassettes)) {
            return all.filter(p -> p.getFileName().toString().endsWith(".mcr")).sorted().toList();
        }
    }

    private static void deleteTree(Path folder) throws IOException {
        if (!Files.exists(folder)) {
            return;
        }
        try (Stream<Path> all = Files.walk(folder)) {
            for (Path path : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
        assertFalse(Files.exists(folder));
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    private static String text(HttpResponse<byte[]> response) {
        return new String(response.body(), StandardCharsets.UTF_8);
    }

    private String output() {
        try {
            return output == null ? "" : Files.readString(output, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
