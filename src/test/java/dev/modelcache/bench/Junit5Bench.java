package dev.modelcache.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.modelcache.junit5.ModelCacheExtension;
import dev.modelcache.junit5.ModelCacheProxy;
import dev.modelcache.support.FakeUpstream;
import dev.modelcache.support.FakeUpstream.Reply;
import dev.modelcache.support.OpenAiFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * Part "junit5" of the benchmark (issue 21): what {@code @ModelCacheTest} costs a test suite. The same small suite
 * ({@value #CLASSES} classes of {@value #CALLS} tests, one chat completion each through the official OpenAI Java SDK)
 * runs through the JUnit Platform launcher, as a build runs it, twice per round: straight to the fake provider on
 * loopback, and replayed by the extension's proxy (a child process started once per run and shared by the classes).
 * The cassettes are recorded once first ({@code auto}). Reported: the time of each class from its start to its end
 * (the first class carries the proxy's start), the time of one call as the test sees it, and the whole suite's time.
 * Every figure is the median of the rounds'. Written to {@code $BENCH_OUT/junit5.json}; the WAR is
 * {@code -Dmodelcache.war} (target/modelcache.war).
 */
public final class Junit5Bench {
    static final int CLASSES = 6;
    static final int CALLS = 10;
    static final int ROUNDS = 5;

    static FakeUpstream upstream;
    static Path cassettes;
    /** Call times in nanoseconds, by run ("direct" or "replay"), of the run in progress. */
    static final Map<String, List<Long>> CALL_NANOS = new ConcurrentHashMap<>();
    static volatile String target = "direct";

    public static void main(String[] args) throws Exception {
        Path out = Path.of(System.getenv().getOrDefault("BENCH_OUT", "target/bench"));
        upstream = FakeUpstream.start().handler(r -> Reply.json(200, OpenAiFixtures.CHAT_ANSWER));
        cassettes = Files.createTempDirectory("modelcache-junit5-bench-");
        Class<?>[] direct = {Direct1.class, Direct2.class, Direct3.class, Direct4.class, Direct5.class, Direct6.class};
        Class<?>[] proxied = {Proxied1.class, Proxied2.class, Proxied3.class, Proxied4.class, Proxied5.class, Proxied6.class};

        System.setProperty("modelcache.mode", "auto");
        Run recording = run("record", proxied);
        System.setProperty("modelcache.mode", "replay");
        int recorded = upstream.calls();
        run("direct", direct); // warm-up of the SDK and the JVM, not counted
        List<Run> directRuns = new ArrayList<>();
        List<Run> replayRuns = new ArrayList<>();
        for (int round = 0; round < ROUNDS; round++) {
            directRuns.add(run("direct", direct));
            replayRuns.add(run("replay", proxied));
        }
        assertEquals(recorded + (ROUNDS + 1) * CLASSES * CALLS, upstream.calls(), "replay called the provider");

        BenchPart report = new BenchPart("junit5", "@ModelCacheTest beside a suite: straight to the provider vs replayed");
        double directFirst = median(directRuns, r -> r.classMillis.get(0));
        double replayFirst = median(replayRuns, r -> r.classMillis.get(0));
        double directLater = median(directRuns, Run::laterClassMillis);
        double replayLater = median(replayRuns, Run::laterClassMillis);
        report.row("first class, straight to the provider", directFirst, "ms");
        report.row("first class, replayed (starts the proxy)", replayFirst, "ms");
        report.row("added to the first class (the proxy's start, once per run)", replayFirst - directFirst, "ms");
        report.row("a later class, straight to the provider (mean)", directLater, "ms");
        report.row("a later class, replayed (mean)", replayLater, "ms");
        report.row("added per later class", replayLater - directLater, "ms");
        report.row("one call straight to the provider, p50", median(directRuns, r -> r.callMillis(50)), "ms");
        report.row("one call replayed, p50", median(replayRuns, r -> r.callMillis(50)), "ms");
        report.row("one call straight to the provider, p90", median(directRuns, r -> r.callMillis(90)), "ms");
        report.row("one call replayed, p90", median(replayRuns, r -> r.callMillis(90)), "ms");
        report.row("whole suite straight to the provider", median(directRuns, r -> r.suiteMillis), "ms");
        report.row("whole suite replayed", median(replayRuns, r -> r.suiteMillis), "ms");
        report.row("whole suite recording (auto, once)", recording.suiteMillis, "ms");
        report.environment().put("suite", CLASSES + " classes of " + CALLS + " tests, one non-streamed chat completion"
                + " each (openai-java, one client per class), JUnit Platform launcher in one JVM; " + ROUNDS
                + " rounds after a warm-up run; figures are medians of the rounds'");
        report.environment().put("provider", "support/FakeUpstream on loopback, answering at once");
        report.environment().put("proxy", "the executable WAR as a child process, started once per launcher run");
        report.environment().put("loadAverage", Files.readString(Path.of("/proc/loadavg")).trim());
        report.write(out);
        upstream.close();
        System.out.println("junit5: wrote " + out.resolve("junit5.json"));
    }

    static double median(List<Run> runs, java.util.function.ToDoubleFunction<Run> value) {
        List<Double> values = new ArrayList<>();
        runs.forEach(r -> values.add(value.applyAsDouble(r)));
        return BenchStats.median(values);
    }

    /** Runs {@code classes} through the launcher; fails when a test failed. */
    static Run run(String name, Class<?>... classes) {
        target = name;
        CALL_NANOS.put(name, new CopyOnWriteArrayList<>());
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(Arrays.stream(classes).map(c -> selectClass(c)).toList()).build();
        Launcher launcher = LauncherFactory.create();
        Timings timings = new Timings();
        long started = System.nanoTime();
        launcher.execute(request, timings);
        Run run = new Run();
        run.suiteMillis = (System.nanoTime() - started) / 1e6;
        for (Class<?> c : classes) {
            Long nanos = timings.classNanos.get(c.getName());
            run.classMillis.add(nanos == null ? Double.NaN : nanos / 1e6);
        }
        run.calls = new ArrayList<>(CALL_NANOS.get(name));
        if (!timings.failures.isEmpty()) {
            throw new IllegalStateException(name + " run failed: " + timings.failures);
        }
        return run;
    }

    static final class Run {
        double suiteMillis;
        final List<Double> classMillis = new ArrayList<>();
        List<Long> calls;

        double laterClassMillis() {
            return classMillis.subList(1, classMillis.size()).stream().mapToDouble(d -> d).average().orElse(Double.NaN);
        }

        double callMillis(int percentile) {
            List<Long> sorted = new ArrayList<>(calls);
            Collections.sort(sorted);
            return sorted.get(Math.min(sorted.size() - 1, sorted.size() * percentile / 100)) / 1e6;
        }
    }

    /** Each class's time from its start to its end, and any failure. */
    static final class Timings implements TestExecutionListener {
        final Map<String, Long> started = new ConcurrentHashMap<>();
        final Map<String, Long> classNanos = new ConcurrentHashMap<>();
        final List<String> failures = new CopyOnWriteArrayList<>();

        @Override
        public void executionStarted(TestIdentifier id) {
            id.getSource().filter(ClassSource.class::isInstance)
                    .ifPresent(s -> started.put(((ClassSource) s).getClassName(), System.nanoTime()));
        }

        @Override
        public void executionFinished(TestIdentifier id, TestExecutionResult result) {
            if (result.getStatus() != TestExecutionResult.Status.SUCCESSFUL) {
                failures.add(id.getDisplayName() + ": " + result.getThrowable().map(Throwable::toString).orElse("?"));
            }
            id.getSource().filter(ClassSource.class::isInstance).ifPresent(s -> {
                String name = ((ClassSource) s).getClassName();
                classNanos.put(name, System.nanoTime() - started.get(name));
            });
        }
    }

    /** A class of the suite: {@value #CALLS} tests, each one chat completion with its own prompt, timed. */
    abstract static class Suite {
        static final AtomicInteger SERIAL = new AtomicInteger();
        static OpenAIClient client;

        static void open(String baseUrl) {
            client = OpenAIOkHttpClient.builder().baseUrl(baseUrl).apiKey("sk-bench").maxRetries(0).build();
        }

        @AfterAll
        static void close() {
            client.close();
        }

        @RepeatedTest(CALLS)
        void call(org.junit.jupiter.api.RepetitionInfo repetition) {
            String prompt = getClass().getSimpleName().replaceAll("\\D", "") + "." + repetition.getCurrentRepetition();
            ChatCompletionCreateParams params = ChatCompletionCreateParams.builder().model("gpt-4o-mini")
                    .addUserMessage("Bench prompt " + prompt).build();
            long started = System.nanoTime();
            String text = client.chat().completions().create(params).choices().get(0).message().content().orElseThrow();
            CALL_NANOS.get(target).add(System.nanoTime() - started);
            assertEquals("Hi!", text);
        }
    }

    abstract static class DirectSuite extends Suite {
        @BeforeAll
        static void direct() {
            open(upstream.baseUrl() + "/v1");
        }
    }

    abstract static class ProxiedSuite extends Suite {
        @RegisterExtension
        static final ModelCacheExtension MODELCACHE = ModelCacheExtension.builder().cassettes(cassettes)
                .setting("providers/openai/baseUrl", upstream.baseUrl()).sdkProperties(false).build();

        @BeforeAll
        static void proxied(ModelCacheProxy proxy) {
            open(proxy.openAiBaseUrl());
        }
    }

    static class Direct1 extends DirectSuite {
    }

    static class Direct2 extends DirectSuite {
    }

    static class Direct3 extends DirectSuite {
    }

    static class Direct4 extends DirectSuite {
    }

    static class Direct5 extends DirectSuite {
    }

    static class Direct6 extends DirectSuite {
    }

    static class Proxied1 extends ProxiedSuite {
    }

    static class Proxied2 extends ProxiedSuite {
    }

    static class Proxied3 extends ProxiedSuite {
    }

    static class Proxied4 extends ProxiedSuite {
    }

    static class Proxied5 extends ProxiedSuite {
    }

    static class Proxied6 extends ProxiedSuite {
    }
}
