package dev.modelcache.junit5sdk;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.reporting.ReportEntry;
import org.junit.platform.engine.discovery.ClassSelector;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

/**
 * Runs scenario classes as a user's build would, through the JUnit Platform (Jupiter's engine, in this JVM, with the
 * test kit), so that the IT can assert how a class ended, a failure it must have included. The mode is the system
 * property {@code modelcache.mode}, set for the run and restored after it, as {@code -Dmodelcache.mode=...} would be.
 */
final class Runs {
    private Runs() {
    }

    /** Runs {@code classes} in {@code mode} ({@code auto}, {@code replay}, ...), with these configuration parameters. */
    static EngineExecutionResults run(String mode, Map<String, String> parameters, Class<?>... classes) {
        String before = System.getProperty("modelcache.mode");
        System.setProperty("modelcache.mode", mode);
        try {
            ClassSelector[] selectors = Arrays.stream(classes).map(c -> selectClass(c)).toArray(ClassSelector[]::new);
            return EngineTestKit.engine("junit-jupiter").configurationParameters(parameters).selectors(selectors).execute();
        } finally {
            if (before == null) {
                System.clearProperty("modelcache.mode");
            } else {
                System.setProperty("modelcache.mode", before);
            }
        }
    }

    static EngineExecutionResults run(String mode, Class<?>... classes) {
        return run(mode, Map.of(), classes);
    }

    /** Fails unless every container and test of the run succeeded, showing each failure with its stack. */
    static EngineExecutionResults assertPassed(EngineExecutionResults results) {
        String failures = Stream.concat(results.containerEvents().stream(), results.testEvents().stream())
                .filter(e -> e.getPayload(TestExecutionResult.class)
                        .map(r -> r.getStatus() != TestExecutionResult.Status.SUCCESSFUL).orElse(false))
                .map(Runs::describe).collect(Collectors.joining("\n"));
        if (!failures.isEmpty()) {
            fail("the run failed:\n" + failures);
        }
        if (results.testEvents().succeeded().count() == 0) {
            fail("the run ran no test");
        }
        return results;
    }

    /** The extension's end-of-class reports (JUnit report entries, key {@code modelcache}) of a run. */
    static List<String> reports(EngineExecutionResults results) {
        return results.allEvents().reportingEntryPublished().stream()
                .map(e -> e.getPayload(ReportEntry.class).orElseThrow().getKeyValuePairs().get("modelcache"))
                .filter(Objects::nonNull).toList();
    }

    static String describe(Event event) {
        TestExecutionResult result = event.getPayload(TestExecutionResult.class).orElseThrow();
        StringWriter stack = new StringWriter();
        result.getThrowable().ifPresent(t -> t.printStackTrace(new PrintWriter(stack)));
        return event.getTestDescriptor().getDisplayName() + ": " + result.getStatus() + "\n" + stack;
    }

    /**
     * Every file below {@code folder} with the SHA-256 of its bytes, by relative path: a snapshot to compare with a
     * later one (short enough to read in a failure).
     */
    static Map<String, String> files(Path folder) {
        Map<String, String> digests = new TreeMap<>();
        texts(folder).forEach((file, text) -> {
            try {
                digests.put(file, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                        .digest(text.getBytes(StandardCharsets.ISO_8859_1)), 0, 8));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        });
        return digests;
    }

    /** Every file below {@code folder} with its bytes (as ISO-8859-1 text), by relative path. */
    static Map<String, String> texts(Path folder) {
        Map<String, String> files = new TreeMap<>();
        if (!Files.isDirectory(folder)) {
            return files;
        }
        try (Stream<Path> walk = Files.walk(folder)) {
            for (Path file : walk.filter(Files::isRegularFile).toList()) {
                files.put(folder.relativize(file).toString(), Files.readString(file, StandardCharsets.ISO_8859_1));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return files;
    }
}
