package dev.modelcache.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.modelcache.support.FakeUpstream;
import dev.modelcache.support.FakeUpstream.Reply;
import dev.modelcache.support.OpenAiFixtures;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The README's three CI recipes (src/test/resources/recipes/{maven,pytest,node}), each run for real as a user's
 * project runs it, on one port: a record run through the fake provider, a replay run with the provider gone, then
 * the two ways a recipe could go wrong. A stale ModelCache left on the port, in replay mode and holding the very
 * answer the tests ask for, must fail the run (a recipe that only waited for "something answers" went green through
 * it); and a proxy that cannot start must end the run with its own one-line error.
 */
class CiRecipesIT {
    /** The one port of the README's recipes. */
    static final String PORT = "18089";
    static final String STALE = "not by the .* (this build|this run) started";

    FakeUpstream upstream;
    Path dir;
    Process stale;

    @BeforeEach
    void start() throws IOException {
        upstream = FakeUpstream.start().handler(r -> Reply.json(200, OpenAiFixtures.CHAT_ANSWER));
        dir = Deployment.freshDir("ci-recipes");
    }

    @AfterEach
    void stopAll() throws Exception {
        try {
            stopStale();
        } finally {
            upstream.close();
        }
    }

    @Test
    void mavenRecipeTakesTheWarFromTheRepositoryAndFailsOnAStaleProxy() throws Exception {
        Path project = copyRecipe("maven");
        Path settings = mavenRepositoryWithTheWar();
        List<String> mvn = List.of("mvn", "-q", "-B", "-s", settings.toString(), "verify");
        Result broken = recordReplayStaleBroken(project, "target/modelcache", port -> {
            List<String> command = new ArrayList<>(mvn);
            command.add("-Dmodelcache.port=" + port);
            return command;
        }, project.resolve("target/answer.json"));
        List<String> lines = broken.lines();
        int says = lines.size() - 1;
        while (says >= 0 && !lines.get(says).startsWith("modelcache: the proxy this build started")) {
            says--;
        }
        assertTrue(says >= 0 && says + 1 < lines.size(), "the recipe says the proxy ended:\n" + broken.output);
        assertTrue(lines.get(says + 1).startsWith("ModelCache cannot start: "),
                "the recipe's last line is the proxy's own error:\n" + broken.output);
    }

    @Test
    void pytestRecipeFailsOnAStaleProxy() throws Exception {
        String python = pythonWithPytestAndHttpx();
        Path project = copyRecipe("pytest");
        Result broken = recordReplayStaleBroken(project, ".modelcache/cache",
                port -> List.of(python, "-m", "pytest", "-q", "-p", "no:cacheprovider"), null);
        assertTrue(broken.output.contains("ended before it answered on port") && broken.output.contains("ModelCache cannot start: "),
                "the run ends with the proxy's own error:\n" + broken.output);
    }

    @Test
    void nodeRecipeFailsOnAStaleProxy() throws Exception {
        Path project = copyRecipe("node");
        Path modules = Deployment.webappConfig("").resolveSibling("src/test/sdk/node_modules");
        assertTrue(Files.isDirectory(modules.resolve("openai")), "no OpenAI Node SDK in " + modules + ": the build's npm ci installs it");
        Files.createSymbolicLink(project.resolve("node_modules"), modules);
        Result broken = recordReplayStaleBroken(project, ".modelcache/cache", port -> List.of("npm", "test", "--silent"), null);
        List<String> lines = broken.lines();
        String last = lines.isEmpty() ? "" : lines.get(lines.size() - 1);
        assertTrue(last.contains("ModelCache cannot start: "), "the last line is the proxy's own error:\n" + broken.output);
    }

    /**
     * The README shows these recipes, not copies of them: its section names each tested file, its steps come in
     * the order a user runs them, and every port in it is the recipes' one port.
     */
    @Test
    void theReadmeShowsTheTestedRecipesInOrderOnOnePort() throws IOException {
        Path root = Deployment.webappConfig("").getParent();
        String readme = Files.readString(root.resolve("README.md"), StandardCharsets.UTF_8);
        int start = readme.indexOf("\n## Record once, replay in CI\n");
        assertTrue(start >= 0, "README.md has a section \"Record once, replay in CI\"");
        int end = readme.indexOf("\n## ", start + 1);
        String section = readme.substring(start, end < 0 ? readme.length() : end);
        for (String file : List.of("maven/pom.xml", "maven/modelcache-ci.sh", "pytest/conftest.py", "node/modelcache.mjs")) {
            assertTrue(section.contains("src/test/resources/recipes/" + file), "the section links the tested " + file);
        }
        assertFalse(section.contains("<modelcache.war>"), "the WAR comes from the repository, not a path put there by hand");
        List<String> steps = section.lines().filter(line -> line.startsWith("### ")).toList();
        List<String> order = List.of("around your tests", "Record", "Export", "CI job");
        int at = -1;
        for (String step : order) {
            int found = -1;
            for (int i = 0; i < steps.size() && found < 0; i++) {
                found = steps.get(i).contains(step) ? i : -1;
            }
            assertTrue(found > at, "step \"" + step + "\" comes after the previous one: " + steps);
            at = found;
        }
        Matcher port = Pattern
                .compile("(?:127\\.0\\.0\\.1|localhost):(\\d+)|MODELCACHE_PORT[=:]\\s*\"?(\\d+)|modelcache\\.port>(\\d+)")
                .matcher(section);
        while (port.find()) {
            String number = port.group(1) != null ? port.group(1) : port.group(2) != null ? port.group(2) : port.group(3);
            assertEquals(PORT, number, "one port throughout: " + port.group());
        }
        Path recipes = root.resolve("src/test/resources/recipes");
        assertTrue(Files.readString(recipes.resolve("maven/pom.xml")).contains("<modelcache.port>" + PORT + "<"));
        assertTrue(Files.readString(recipes.resolve("pytest/conftest.py")).contains("\"MODELCACHE_PORT\", \"" + PORT + "\""));
        assertTrue(Files.readString(recipes.resolve("node/modelcache.mjs")).contains("MODELCACHE_PORT ?? \"" + PORT + "\""));
    }

    interface Command {
        List<String> at(int port);
    }

    record Result(int code, String output) {
        List<String> lines() {
            return output.lines().filter(line -> !line.isBlank()).toList();
        }
    }

    /**
     * Record, replay, replay with a stale proxy on the port, then a proxy that cannot start (an unknown setting);
     * returns the last run. {@code answer}, when not null, is a file only the user's test writes.
     */
    private Result recordReplayStaleBroken(Path project, String cacheDir, Command command, Path answer) throws Exception {
        int port = Deployment.freePort();
        Map<String, String> record = new LinkedHashMap<>();
        record.put("MODELCACHE_PROVIDERS_OPENAI_BASEURL", upstream.baseUrl());
        record.put("MODELCACHE_CACHE_SHARED", "true");
        record.put("OPENAI_API_KEY", "sk-fake-recipe-key");
        Result recorded = run(project, port, command.at(port), record);
        assertEquals(0, recorded.code, "the record run:\n" + recorded.output);
        assertEquals(1, upstream.calls(), "the test's request reached the provider once");
        upstream.close();

        Map<String, String> replay = new LinkedHashMap<>();
        replay.put("MODELCACHE_CACHE_MODE", "replay");
        replay.put("MODELCACHE_CACHE_SHARED", "true");
        Result replayed = run(project, port, command.at(port), replay);
        assertEquals(0, replayed.code, "the replay run, provider gone:\n" + replayed.output);

        // A stale ModelCache on the port, in replay mode with the same recordings: it would answer the tests.
        Path staleCache = dir.resolve("stale-cache");
        copyTree(project.resolve(cacheDir), staleCache);
        startStale(port, staleCache);
        if (answer != null) {
            Files.deleteIfExists(answer);
        }
        Result withStale = run(project, port, command.at(port), replay);
        assertNotEquals(0, withStale.code, "a stale proxy on the port must fail the run:\n" + withStale.output);
        assertTrue(withStale.output.lines().anyMatch(line -> line.matches(".*" + STALE + ".*")),
                "the run names the stale proxy:\n" + withStale.output);
        if (answer != null) {
            assertFalse(Files.exists(answer), "the tests did not run against the stale proxy");
        }
        stopStale();

        Map<String, String> misspelled = new LinkedHashMap<>(replay);
        misspelled.put("MODELCACHE_CACHE_MOD", "replay");
        Result broken = run(project, port, command.at(port), misspelled);
        assertNotEquals(0, broken.code, "a proxy that cannot start fails the run:\n" + broken.output);
        return broken;
    }

    private Result run(Path project, int port, List<String> command, Map<String, String> env) throws Exception {
        Path output = Files.createTempFile(dir, "run-", ".log");
        ProcessBuilder builder = new ProcessBuilder(command).directory(project.toFile())
                .redirectErrorStream(true).redirectOutput(output.toFile());
        Deployment.clearModelCacheVariables(builder.environment());
        builder.environment().keySet().removeIf(name -> name.startsWith("OPENAI_"));
        if (!command.get(0).equals("mvn")) { // the Maven recipe takes its WAR from the repository
            builder.environment().put("MODELCACHE_WAR", Deployment.war().toAbsolutePath().toString());
            builder.environment().put("MODELCACHE_PORT", String.valueOf(port));
        }
        builder.environment().putAll(env);
        Process process = builder.start();
        if (!process.waitFor(300, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            fail(command + " ran past 300 s:\n" + Files.readString(output, StandardCharsets.UTF_8));
        }
        return new Result(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
    }

    private void startStale(int port, Path cache) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path log = dir.resolve("stale.log");
        ProcessBuilder builder = new ProcessBuilder(java, "-Xmx256m", "-jar", Deployment.war().toAbsolutePath().toString())
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        Deployment.clearModelCacheVariables(builder.environment());
        builder.environment().put("MODELCACHE_PORT", String.valueOf(port));
        builder.environment().put("MODELCACHE_CACHE_DIR", cache.toString());
        builder.environment().put("MODELCACHE_CACHE_MODE", "replay");
        builder.environment().put("MODELCACHE_CACHE_SHARED", "true");
        stale = builder.start();
        Process started = stale;
        Runtime.getRuntime().addShutdownHook(new Thread(started::destroyForcibly));
        Deployment.awaitHealthy(URI.create("http://127.0.0.1:" + port), WarRuns.STARTUP, stale::isAlive,
                () -> readQuietly(log));
    }

    private void stopStale() throws InterruptedException {
        if (stale != null) {
            stale.destroy();
            if (!stale.waitFor(30, TimeUnit.SECONDS)) {
                stale.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            stale = null;
        }
    }

    /** The recipe's files, as the README shows them, in a fresh project folder. */
    private Path copyRecipe(String name) throws IOException {
        Path source = Deployment.webappConfig("").resolveSibling("src/test/resources/recipes").resolve(name);
        Path project = Files.createDirectories(dir.resolve(name));
        copyTree(source, project);
        return project;
    }

    /**
     * A settings file whose repositories are the WAR under test (as {@code mvn install} in ModelCache's folder
     * would put it) and, for every plugin, the local repository this build already filled: no network, and
     * nothing written into that repository.
     */
    private Path mavenRepositoryWithTheWar() throws IOException {
        String version = "0.1.0-SNAPSHOT";
        Path wars = dir.resolve("wars");
        Path folder = Files.createDirectories(wars.resolve("dev/modelcache/modelcache/" + version));
        Files.copy(Deployment.war(), folder.resolve("modelcache-" + version + ".war"));
        Files.writeString(folder.resolve("modelcache-" + version + ".pom"), "<project><modelVersion>4.0.0</modelVersion>"
                + "<groupId>dev.modelcache</groupId><artifactId>modelcache</artifactId><version>" + version
                + "</version><packaging>war</packaging></project>\n");
        Path home = Path.of(Optional.ofNullable(System.getProperty("maven.repo.local"))
                .orElse(System.getProperty("user.home") + "/.m2/repository"));
        Path settings = dir.resolve("settings.xml");
        Files.writeString(settings, "<settings><localRepository>" + dir.resolve("local") + "</localRepository>"
                + "<mirrors><mirror><id>this-build</id><mirrorOf>*,!modelcache-war</mirrorOf><url>" + home.toUri()
                + "</url></mirror></mirrors><profiles><profile><id>war</id><repositories><repository>"
                + "<id>modelcache-war</id><url>" + wars.toUri() + "</url><snapshots><enabled>true</enabled></snapshots>"
                + "</repository></repositories></profile></profiles><activeProfiles><activeProfile>war</activeProfile>"
                + "</activeProfiles></settings>\n");
        return settings;
    }

    /** A python3 that imports pytest and httpx; skips when there is none, but fails when {@code CI} is set. */
    private static String pythonWithPytestAndHttpx() throws Exception {
        for (String python : List.of("python3", "/usr/bin/python3")) {
            try {
                Process probe = new ProcessBuilder(python, "-c", "import pytest, httpx").redirectErrorStream(true).start();
                probe.getInputStream().readAllBytes();
                if (probe.waitFor(60, TimeUnit.SECONDS) && probe.exitValue() == 0) {
                    return python;
                }
            } catch (IOException e) {
                // not on this machine
            }
        }
        String missing = "No python3 with pytest and httpx: install Debian's python3-pytest and python3-httpx to run the pytest recipe.";
        if (System.getenv("CI") != null) {
            fail(missing + " CI is set, so this fails instead of skipping.");
        }
        Assumptions.abort(missing);
        return null;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> all = Files.walk(from)) {
            for (Path path : all.toList()) {
                Path target = to.resolve(from.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(path, target);
                }
            }
        }
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }
}
