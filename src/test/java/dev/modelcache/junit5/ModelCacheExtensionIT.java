package dev.modelcache.junit5;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelcache.support.FakeUpstream;
import dev.modelcache.support.FakeUpstream.Reply;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JUnit 5 extension end to end, as a build uses it: test classes annotated for it ({@link InnerTests}) run through
 * JUnit's Launcher against a fake provider on loopback, the proxy a child process of the WAR this build made
 * ({@code modelcache.war}, set by failsafe). Raw HTTP only; the SDKs' own tests are elsewhere.
 */
class ModelCacheExtensionIT {
    private static final Pattern CONTENT = Pattern.compile("\"content\":\"([^\"]*)\"");

    @TempDir
    Path cassettes;
    private FakeUpstream upstream;
    /** How often the fake provider was asked each question in this scenario (its answers count them). */
    private final Map<String, Integer> asked = new ConcurrentHashMap<>();

    @BeforeEach
    void provider() throws IOException {
        upstream = FakeUpstream.start().handler(request -> {
            Matcher m = CONTENT.matcher(request.bodyText());
            String question = m.find() ? m.group(1) : "?";
            int n = asked.merge(question, 1, Integer::sum);
            return Reply.json(200, "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1,"
                    + "\"model\":\"gpt-5-mini\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
                    + "\"content\":\"answer " + n + " to " + question + "\"},\"finish_reason\":\"stop\"}],"
                    + "\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":4,\"total_tokens\":7}}");
        });
        Scenario.upstream = upstream.baseUrl();
        Scenario.cassettes = cassettes;
        Scenario.answers.clear();
        Scenario.seen.clear();
    }

    @AfterEach
    void stop() throws IOException {
        upstream.close();
    }

    @Test
    void autoRecordsWhatIsMissingAndReplayServesItOfflineWithTheProviderStopped() throws IOException {
        InnerRun auto = InnerRun.of(InnerTests.ChatAuto.class);
        auto.assertAllPassed();
        assertEquals(3, upstream.calls(), "each request went to the provider once");
        assertEquals("answer 1 to Say hi", Scenario.answers.get("saysHi"));
        assertEquals("answer 1 to Again | answer 2 to Again", Scenario.answers.get("asksTwice"), "a sequence: two answers");
        Map<String, String> recorded = files(cassettes);
        assertEquals(3, recorded.size(), "one cassette per answer: " + recorded.keySet());
        assertTrue(recorded.keySet().stream().allMatch(f -> f.startsWith("Chat/openai/v1-chat-completions/gpt-5-mini-")),
                recorded.keySet().toString());
        assertTrue(recorded.values().stream().noneMatch(text -> text.contains("sk-placeholder")), "no credential");
        assertTrue(recorded.values().stream().allMatch(text -> text.contains("\"partition\" : \"shared\"")
                || text.contains("\"partition\":\"shared\"")), "no partition id: " + recorded.values().iterator().next());
        assertTrue(auto.reports.stream().anyMatch(r -> r.contains("namespace Chat (auto): 3 recorded, 0 unused")),
                auto.reports.toString());

        upstream.close();
        Map<String, String> recordedAnswers = new TreeMap<>(Scenario.answers);
        Scenario.answers.clear();
        InnerRun replay = InnerRun.of(InnerTests.ChatReplay.class);
        replay.assertAllPassed();
        assertEquals(recordedAnswers, new TreeMap<>(Scenario.answers), "replayed as recorded, in order");
        assertEquals(recorded, files(cassettes), "replay writes nothing");
        assertTrue(replay.reports.stream().anyMatch(r -> r.contains("namespace Chat (replay): 0 misses, 0 unused")),
                replay.reports.toString());
    }

    @Test
    void aReplayMissFailsItsTestWithTheDifferingFieldsAndUnusedRecordingsCanFailTheClass() {
        InnerRun.of(InnerTests.ChatAutoAgain.class).assertAllPassed();
        int calls = upstream.calls();

        InnerRun misses = InnerRun.of(InnerTests.ChatMisses.class);
        assertEquals(calls, upstream.calls(), "replay never calls the provider");
        Throwable ignored = misses.failure("ignoresTheMiss(ModelCacheProxy)");
        assertInstanceOf(AssertionError.class, ignored);
        assertTrue(ignored.getMessage().contains("/temperature: recorded 0, sent 0.7"), ignored.getMessage());
        assertTrue(ignored.getMessage().contains("not recorded in " + cassettes.resolve("Chat")), ignored.getMessage());
        assertEquals("504", Scenario.answers.get("ignoresTheMiss"));
        Throwable thrown = misses.failure("throwsOnTheMiss(ModelCacheProxy)");
        assertInstanceOf(AssertionError.class, thrown);
        assertTrue(thrown.getMessage().contains("/temperature: recorded 0, sent 0.2"), thrown.getMessage());
        assertEquals(1, thrown.getSuppressed().length, "the test's own exception rides along");
        assertTrue(thrown.getSuppressed()[0].getMessage().contains("the SDK's own exception"));
        assertEquals(org.junit.platform.engine.TestExecutionResult.Status.SUCCESSFUL,
                misses.result("hits(ModelCacheProxy)").getStatus());
        assertEquals("false", Scenario.seen.get("X-Should-Retry"), "an SDK must not retry a replay miss");
        assertTrue(misses.reports.stream().anyMatch(r -> r.contains("namespace Chat (replay): 2 misses")),
                misses.reports.toString());

        InnerRun unused = InnerRun.of(InnerTests.ChatUnused.class);
        assertEquals(org.junit.platform.engine.TestExecutionResult.Status.SUCCESSFUL,
                unused.result("saysHi(ModelCacheProxy)").getStatus());
        Throwable classFailure = unused.failure("InnerTests$ChatUnused");
        String message = classFailure.getMessage();
        assertTrue(message.contains("2 recording(s) of namespace Chat no test used"), message);
        long named = files(cassettes).keySet().stream().filter(f -> message.contains(Path.of(f).getFileName().toString())).count();
        assertEquals(2, named, "each unused cassette file is named: " + message);
    }

    @Test
    void recordingTwiceGivesTheSameBytesAndReplacesOnlyItsOwnNamespace() throws IOException {
        Path stale = cassettes.resolve("Chat/openai/v1-chat-completions/gpt-5-mini-000000000000.mcr");
        Files.createDirectories(stale.getParent());
        Files.writeString(stale, "a request no test makes any more");
        Path other = cassettes.resolve("Other/openai/v1-chat-completions/gpt-5-mini-111111111111.mcr");
        Files.createDirectories(other.getParent());
        Files.writeString(other, "another class's recording");

        InnerRun.of(InnerTests.ChatRecord.class).assertAllPassed();
        assertEquals(3, upstream.calls());
        Map<String, String> first = files(cassettes);
        assertFalse(Files.exists(stale), "a clean export replaces the namespace's folder");
        assertEquals("another class's recording", Files.readString(other), "other namespaces are left alone");
        assertEquals(4, first.size(), first.keySet().toString());

        asked.clear(); // an unchanged provider: the same answers again
        InnerRun.of(InnerTests.ChatRecordAgain.class).assertAllPassed();
        assertEquals(6, upstream.calls(), "record asks the provider again");
        assertEquals(first, files(cassettes), "re-recording unchanged answers changes no byte");
    }

    @Test
    void offGoesStraightToTheProviderAndWritesNothing() throws IOException {
        InnerRun.of(InnerTests.ChatOff.class).assertAllPassed();
        assertEquals(3, upstream.calls());
        assertEquals(Map.of(), files(cassettes));
    }

    @Test
    void theProxyEndsWithTheTestRunEvenWhenTheRunIsKilled() throws Exception {
        Process run = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "-Dmodelcache.war=" + System.getProperty("modelcache.war"),
                KillMain.class.getName()).redirectErrorStream(true).start();
        try {
            long proxyPid = -1;
            java.io.BufferedReader out = new java.io.BufferedReader(new java.io.InputStreamReader(run.getInputStream(),
                    java.nio.charset.StandardCharsets.UTF_8));
            StringBuilder seen = new StringBuilder();
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                seen.append(line).append('\n');
                if (line.startsWith("modelcache-proxy-pid=")) {
                    proxyPid = Long.parseLong(line.substring("modelcache-proxy-pid=".length()));
                    break;
                }
            }
            assertTrue(proxyPid > 0, "the test run said which proxy it runs beside: " + seen);
            ProcessHandle proxy = ProcessHandle.of(proxyPid).orElseThrow(() -> new AssertionError("no proxy running"));
            assertTrue(proxy.isAlive());
            assertEquals(run.pid(), proxy.parent().map(ProcessHandle::pid).orElse(-1L), "the proxy is the run's child");

            run.destroyForcibly(); // SIGKILL: no shutdown hook runs, JUnit closes nothing
            run.waitFor();
            // Its standard input closed with the killed run: the launcher stops (launcher/exitWithStdin).
            proxy.onExit().get(60, java.util.concurrent.TimeUnit.SECONDS);
            assertFalse(proxy.isAlive());
        } finally {
            run.destroyForcibly();
        }
    }

    @Test
    void underParallelExecutionClassesThatSetSystemPropertiesRunOneAtATimeAndOthersTogether() {
        Map<String, String> parallel = Map.of("junit.jupiter.execution.parallel.enabled", "true",
                "junit.jupiter.execution.parallel.mode.default", "same_thread",
                "junit.jupiter.execution.parallel.mode.classes.default", "concurrent",
                "junit.jupiter.execution.parallel.config.strategy", "fixed",
                "junit.jupiter.execution.parallel.config.fixed.parallelism", "2");
        InnerTests.MeetsAnother.met.set(0);
        InnerTests.MeetsAnother.barrier = new java.util.concurrent.CyclicBarrier(2);
        InnerTests.MeetsAnother.waitSeconds = 120;
        InnerRun.of(parallel, InnerTests.FreeA.class, InnerTests.FreeB.class).assertAllPassed();
        assertEquals(2, InnerTests.MeetsAnother.met.get(), "classes that set no system property ran together");

        InnerTests.MeetsAnother.met.set(0);
        InnerTests.MeetsAnother.barrier = new java.util.concurrent.CyclicBarrier(2);
        // Both classes share one proxy, running once the first is in: unlocked, the second would be in within seconds.
        InnerTests.MeetsAnother.waitSeconds = 10;
        InnerRun.of(parallel, InnerTests.LockedA.class, InnerTests.LockedB.class).assertAllPassed();
        assertEquals(0, InnerTests.MeetsAnother.met.get(), "classes that set the SDKs' system properties never overlap");
    }

    @Test
    void aProxyThatCannotStartFailsTheClassWithItsReasonAndTwoClassesCannotShareANamespace() {
        InnerRun cannot = InnerRun.of(InnerTests.CannotStart.class);
        String reason = cannot.failure("InnerTests$CannotStart").getMessage();
        assertTrue(reason.startsWith("ModelCache cannot start:") && reason.contains("cache/ttl"), reason);
        assertEquals(1, reason.lines().count(), "one line: " + reason);

        InnerRun clash = InnerRun.of(Map.of(), InnerTests.ClashA.class, InnerTests.ClashB.class);
        assertEquals(org.junit.platform.engine.TestExecutionResult.Status.SUCCESSFUL,
                clash.result("InnerTests$ClashA").getStatus());
        String refused = clash.failure("InnerTests$ClashB").getMessage();
        assertTrue(refused.contains("namespace Clash is dev.modelcache.junit5.InnerTests$ClashA's in this run"), refused);
    }

    /** Every file below {@code folder}, by relative path (with '/'), with its text. */
    static Map<String, String> files(Path folder) {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> all = Files.walk(folder)) {
            for (Path file : all.filter(Files::isRegularFile).toList()) {
                files.put(folder.relativize(file).toString().replace('\\', '/'), Files.readString(file));
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return files;
    }
}
