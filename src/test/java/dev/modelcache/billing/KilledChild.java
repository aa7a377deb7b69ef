package dev.modelcache.billing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A JVM of its own, running {@code main} on this test classpath, that prints a running count on a line each time it
 * has done something durable; killed with SIGKILL once it has printed {@code target}, as a crash would end it.
 * A child that stops reporting (its main failed while Tomcat's threads keep the JVM alive) is killed after
 * {@value #DEADLINE_SECONDS} s, and the test fails with what it wrote on stderr, instead of waiting for ever.
 */
public final class KilledChild {
    static final long DEADLINE_SECONDS = 180;

    private KilledChild() {
    }

    /** Runs {@code main} with {@code args} until it reports {@code target}, kills it, and returns what it reported. */
    public static long runUntil(Class<?> main, long target, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        Path errors = Files.createTempFile("modelcache-killed-child", ".err");
        Process child = new ProcessBuilder(command).redirectError(errors.toFile()).start();
        CompletableFuture.delayedExecutor(DEADLINE_SECONDS, TimeUnit.SECONDS).execute(child::destroyForcibly);
        long seen = 0;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while (seen < target && (line = out.readLine()) != null) {
                seen = Long.parseLong(line.trim());
            }
            child.destroyForcibly(); // SIGKILL
            assertTrue(child.waitFor(60, TimeUnit.SECONDS));
        } finally {
            child.destroyForcibly();
        }
        String stderr = Files.readString(errors);
        Files.deleteIfExists(errors);
        assertEquals(target, seen, "the child reported " + seen + " of " + target + " within " + DEADLINE_SECONDS
                + " s; its stderr:\n" + stderr);
        assertEquals(137, child.exitValue(), "killed by SIGKILL");
        return seen;
    }
}
