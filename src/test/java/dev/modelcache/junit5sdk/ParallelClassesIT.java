package dev.modelcache.junit5sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.Event;

/**
 * Two test classes under JUnit's parallel execution (on for these runs only, as a configuration parameter of the
 * test kit's launch, so the rest of the suite runs as it always did): they share one proxy, each records and
 * replays in its own namespace, and classes that read the SDKs' global system properties never overlap.
 */
class ParallelClassesIT {
    static final Map<String, String> PARALLEL = Map.of("junit.jupiter.execution.parallel.enabled", "true",
            "junit.jupiter.execution.parallel.config.strategy", "fixed",
            "junit.jupiter.execution.parallel.config.fixed.parallelism", "4");

    @BeforeEach
    void forget() {
        ParallelScenarios.BOTH_STARTED.reset();
        ParallelScenarios.ROOTS.clear();
    }

    @Test
    void twoClassesAtOnceShareOneProxyAndRecordAndReplayEachInItsOwnNamespace() throws Exception {
        int before = Rig.PARALLEL.upstream().calls();
        Runs.assertPassed(Runs.run("auto", PARALLEL, ParallelScenarios.Left.class, ParallelScenarios.Right.class));
        assertEquals(before + 2, Rig.PARALLEL.upstream().calls());
        assertEquals(Set.of("ParallelScenarios.Left", "ParallelScenarios.Right"), ParallelScenarios.ROOTS.keySet());
        assertEquals(1, Set.copyOf(ParallelScenarios.ROOTS.values()).size(), "one proxy for both: " + ParallelScenarios.ROOTS);
        Set<String> folders = Runs.files(Rig.PARALLEL.cassettes()).keySet();
        assertTrue(folders.stream().anyMatch(f -> f.startsWith("ParallelScenarios.Left/")), folders.toString());
        assertTrue(folders.stream().anyMatch(f -> f.startsWith("ParallelScenarios.Right/")), folders.toString());

        forget();
        Runs.assertPassed(Runs.run("replay", PARALLEL, ParallelScenarios.Left.class, ParallelScenarios.Right.class));
        assertEquals(before + 2, Rig.PARALLEL.upstream().calls(), "replayed, each from its own namespace");
    }

    @Test
    void classesThatSetTheSdksSystemPropertiesNeverOverlap() {
        EngineExecutionResults results = Runs.assertPassed(Runs.run("auto", PARALLEL,
                ParallelScenarios.PropertiesLeft.class, ParallelScenarios.PropertiesRight.class));
        Instant[] left = span(results, ParallelScenarios.PropertiesLeft.class);
        Instant[] right = span(results, ParallelScenarios.PropertiesRight.class);
        assertTrue(!left[1].isAfter(right[0]) || !right[1].isAfter(left[0]),
                "one class ran after the other: left " + left[0] + ".." + left[1] + ", right " + right[0] + ".." + right[1]);
    }

    /** When the class started and finished, from the run's events. */
    static Instant[] span(EngineExecutionResults results, Class<?> testClass) {
        Predicate<Event> ofTheClass = e -> e.getTestDescriptor().getSource()
                .filter(s -> s instanceof ClassSource c && c.getClassName().equals(testClass.getName())).isPresent();
        Event started = results.containerEvents().started().stream().filter(ofTheClass).findFirst().orElseThrow();
        Event finished = results.containerEvents().finished().stream().filter(ofTheClass).findFirst().orElseThrow();
        return new Instant[] {started.getTimestamp(), finished.getTimestamp()};
    }
}
