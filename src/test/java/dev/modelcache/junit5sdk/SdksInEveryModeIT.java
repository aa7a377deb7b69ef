package dev.modelcache.junit5sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.Event;

/**
 * The extension under the clients people use (the official OpenAI and Anthropic Java SDKs, LangChain4j, Spring AI),
 * in every mode, in the order a team meets them: {@code auto} records what is missing against a provider (the fake
 * one) and replays it the next time; {@code record} records everything again and leaves unchanged answers' files
 * unchanged; {@code off} goes to the provider and writes nothing; {@code replay} answers with the provider stopped;
 * a request that changed fails its test saying which field; recordings nobody used fail their class when asked.
 * The steps build on each other (one cassette folder, {@link Rig#MODES}), hence the order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SdksInEveryModeIT {
    static final Class<?>[] SCENARIOS = {OpenAiSdkScenario.class, AnthropicSdkScenario.class, LangChain4jScenario.class,
        SpringAiScenario.class};
    static final List<String> NAMESPACES = List.of("OpenAiSdkScenario", "AnthropicSdkScenario", "LangChain4jScenario",
            "SpringAiScenario");

    static int recordedCalls;
    static Map<String, String> recorded;

    static Path cassettes() {
        return Rig.MODES.cassettes();
    }

    @Test
    @Order(1)
    void autoRecordsWhatIsMissingAndReplaysItTheNextTime() {
        int before = Rig.MODES.upstream().calls();
        Runs.assertPassed(Runs.run("auto", SCENARIOS));
        recordedCalls = Rig.MODES.upstream().calls() - before;
        recorded = Runs.files(cassettes());
        // OpenAI's SDK 4 (hi, a stream, the die twice), Anthropic's 2, LangChain4j's 2, Spring AI's 1.
        assertEquals(9, recordedCalls, "every request reached the provider once");
        for (String namespace : NAMESPACES) {
            assertTrue(recorded.keySet().stream().anyMatch(f -> f.startsWith(namespace + "/") && f.endsWith(".mcr")),
                    namespace + " has its own cassettes: " + recorded.keySet());
        }
        String all = String.join("\n", Runs.texts(cassettes()).values());
        assertFalse(all.contains("sk-placeholder") || all.contains("sk-ant-placeholder"), "no key in a cassette");

        Runs.assertPassed(Runs.run("auto", SCENARIOS));
        assertEquals(before + recordedCalls, Rig.MODES.upstream().calls(), "the second run was replayed");
        assertEquals(recorded, Runs.files(cassettes()), "replaying changed no cassette");
    }

    @Test
    @Order(2)
    void recordCallsTheProviderForEverythingAndAnUnchangedAnswerLeavesItsFileUnchanged() {
        int before = Rig.MODES.upstream().calls();
        Runs.assertPassed(Runs.run("record", SCENARIOS));
        assertEquals(before + recordedCalls, Rig.MODES.upstream().calls(), "every request went to the provider again");
        assertEquals(recorded, Runs.files(cassettes()), "re-recording the same answers leaves no diff");
    }

    @Test
    @Order(3)
    void offGoesToTheProviderAndWritesNothing() {
        int before = Rig.MODES.upstream().calls();
        Runs.assertPassed(Runs.run("off", SCENARIOS));
        assertEquals(before + recordedCalls, Rig.MODES.upstream().calls());
        assertEquals(recorded, Runs.files(cassettes()));
    }

    @Test
    @Order(4)
    void replayAnswersEverythingWithTheProviderStopped() throws Exception {
        Rig.MODES.stopUpstream();
        EngineExecutionResults results = Runs.assertPassed(Runs.run("replay", SCENARIOS));
        assertEquals(recorded, Runs.files(cassettes()));
        List<String> reports = Runs.reports(results);
        for (String namespace : NAMESPACES) {
            assertTrue(reports.stream().anyMatch(r -> r.contains("in namespace " + namespace + " (replay): 0 misses, 0 unused")),
                    "each class reports on its namespace: " + reports);
        }
    }

    @Test
    @Order(5)
    void aRequestThatWasNotRecordedFailsItsTestSayingWhichFieldDiffers() {
        EngineExecutionResults results = Runs.run("replay", MissScenario.class);
        results.testEvents().assertStatistics(stats -> stats.started(1).failed(1));
        Throwable failure = results.testEvents().failed().stream().findFirst().orElseThrow()
                .getPayload(TestExecutionResult.class).orElseThrow().getThrowable().orElseThrow();
        assertInstanceOf(AssertionError.class, failure, "a miss is an assertion failure, not the SDK's 504");
        assertTrue(failure.getMessage().contains("/temperature: recorded (absent), sent 0.2"), failure.getMessage());
        // The SDK keeps its default retries: the proxy's miss says X-Should-Retry: false, so it asked once.
        assertTrue(failure.getMessage().contains(": 1 request of "), failure.getMessage());
        System.out.println("The miss, as the test reports it:\n" + failure.getMessage());
    }

    @Test
    @Order(6)
    void recordingsNobodyUsedFailTheClassNamingEachFile() {
        EngineExecutionResults results = Runs.run("replay", UnusedScenario.class);
        results.testEvents().assertStatistics(stats -> stats.started(1).succeeded(1));
        List<Event> failed = results.containerEvents().failed().list();
        failed.forEach(e -> System.out.println("The class's failure:\n" + Runs.describe(e)));
        assertEquals(1, failed.size(), "the class failed");
        assertTrue(Runs.reports(results).stream().anyMatch(r -> r.contains("0 misses, 3 unused recordings")),
                "the class's report lists them too: " + Runs.reports(results));
        String message = failed.get(0).getPayload(TestExecutionResult.class).orElseThrow().getThrowable().orElseThrow()
                .getMessage();
        Map<String, String> namespace = Runs.texts(cassettes()).entrySet().stream()
                .filter(e -> e.getKey().startsWith("OpenAiSdkScenario/") && e.getKey().endsWith(".mcr"))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        assertEquals(4, namespace.size(), "four recordings: hi, the stream, the die twice: " + namespace.keySet());
        namespace.forEach((file, text) -> {
            String name = Path.of(file).getFileName().toString();
            boolean used = text.contains("\"Say hi\"");
            assertEquals(!used, message.contains(name), name + (used ? " was used" : " was not used") + ": " + message);
        });
    }
}
