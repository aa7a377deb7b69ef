package dev.modelcache.launcher;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * {@code mvn exec:java} as a process of its own: {@link Launcher#main} in a fresh JVM on this test class path, run
 * from the project folder (where {@code webapp-config/context.xml} and {@code src/main/webapp} are), with exactly the
 * environment given (nothing of this JVM's leaks in, no provider key among it) and its temporary folders under
 * {@code dir}. Standard output and error go to one file, read as it grows.
 */
final class LauncherProcess implements AutoCloseable {
    private final Process process;
    private final Path output;

    private LauncherProcess(Process process, Path output) {
        this.process = process;
        this.output = output;
    }

    static LauncherProcess start(Path dir, Map<String, String> environment) throws IOException {
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        Path output = dir.resolve("launcher-output.log");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-Djava.io.tmpdir=" + tmp.toAbsolutePath(), "-cp", System.getProperty("java.class.path"),
                Launcher.class.getName()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
        builder.environment().clear();
        builder.environment().putAll(environment);
        return new LauncherProcess(builder.start(), output);
    }

    /** The exit code, once the process ends within {@code seconds}; fails the test if it is still running then. */
    int exitWithin(long seconds) throws InterruptedException, IOException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            throw new AssertionError("the launcher still runs after " + seconds + " s; its output:\n" + output());
        }
        return process.exitValue();
    }

    /** Waits until the output has a line matching {@code wanted}; fails if the process ends or the time is up first. */
    String awaitLine(Predicate<String> wanted, long seconds) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (true) {
            for (String line : output().split("\n")) {
                if (wanted.test(line)) {
                    return line;
                }
            }
            if (!process.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("no such line (alive: " + process.isAlive() + "); the output:\n" + output());
            }
            process.waitFor(100, TimeUnit.MILLISECONDS);
        }
    }

    String output() throws IOException {
        return Files.readString(output, StandardCharsets.UTF_8);
    }

    /** The output's lines that are not empty. */
    List<String> lines() throws IOException {
        return output().lines().filter(line -> !line.isBlank()).toList();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
