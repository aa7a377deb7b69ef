package dev.modelcache.junit5;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.reporting.ReportEntry;
import org.junit.platform.launcher.EngineFilter;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * Runs test classes that use the extension (the {@link InnerTests}) through JUnit's Launcher, as a build would, and
 * keeps what a build would show: each test's and class's result and the report entries published.
 */
final class InnerRun implements TestExecutionListener {
    /** Results by display name: tests as {@code method()}, classes by their simple name. */
    final Map<String, TestExecutionResult> results = new LinkedHashMap<>();
    final List<String> reports = new ArrayList<>();

    /** Runs {@code testClass} with the inner tests enabled. */
    static InnerRun of(Class<?> testClass) {
        return of(Map.of(), testClass);
    }

    /** Runs {@code testClasses} with the inner tests enabled and JUnit's configuration {@code parameters}. */
    static InnerRun of(Map<String, String> parameters, Class<?>... testClasses) {
        InnerRun run = new InnerRun();
        Scenario.active = true;
        try {
            LauncherFactory.create().execute(LauncherDiscoveryRequestBuilder.request()
                    .selectors(java.util.Arrays.stream(testClasses).map(c -> selectClass(c)).toList())
                    .configurationParameters(parameters)
                    .filters(EngineFilter.includeEngines("junit-jupiter")).build(), run);
        } finally {
            Scenario.active = false;
        }
        return run;
    }

    @Override
    public void executionFinished(TestIdentifier id, TestExecutionResult result) {
        results.put(id.getDisplayName(), result);
    }

    @Override
    public void reportingEntryPublished(TestIdentifier id, ReportEntry entry) {
        reports.addAll(entry.getKeyValuePairs().values());
    }

    /** The result of the test or class named so; fails when it did not run. */
    TestExecutionResult result(String displayName) {
        TestExecutionResult result = results.get(displayName);
        if (result == null) {
            throw new AssertionError(displayName + " did not run; ran: " + results);
        }
        return result;
    }

    /** The failure of the test or class named so; fails when it passed. */
    Throwable failure(String displayName) {
        return result(displayName).getThrowable().orElseThrow(() -> new AssertionError(displayName + " passed"));
    }

    /** True when every test and class that ran passed; the failures otherwise, in the message of an assertion. */
    void assertAllPassed() {
        List<String> failed = new ArrayList<>();
        results.forEach((name, result) -> {
            if (result.getStatus() != TestExecutionResult.Status.SUCCESSFUL) {
                failed.add(name + ": " + result.getThrowable().map(Throwable::toString).orElse("aborted"));
            }
        });
        if (!failed.isEmpty()) {
            throw new AssertionError("inner tests failed: " + failed);
        }
    }
}
