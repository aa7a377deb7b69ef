package dev.modelcache.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.sun.net.httpserver.HttpServer;
import dev.modelcache.support.FakeUpstream;
import dev.modelcache.support.FakeUpstream.Reply;
import dev.modelcache.support.OpenAiFixtures;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
 *
 * <p>Each recipe takes the pinned release from a loopback server standing in for the forge (the real WAR, pinned
 * by its real SHA-256). A WAR that does not match the pinned sum fails the run before anything starts; a release
 * that cannot be downloaded falls back to the WAR built into the local Maven repository, and the run says so.
 */
class CiRecipesIT {
    /** The one port of the README's recipes. */
    static final String PORT = "18089";
    static final String STALE = "not by the .* (this build|this run) started";

    static final String DOWNLOADED = "SHA-256 checked";
    static final String FELL_BACK = "using the WAR built from source in the local Maven repository";

    FakeUpstream upstream;
    Path dir;
    Process stale;
    Releases releases;
    /** Where the recipes download releases from, and the SHA-256 they are pinned to. */
    String releaseUrl;
    String pinnedSum;

    @BeforeEach
    void start() throws Exception {
        upstream = FakeUpstream.start().handler(r -> Reply.json(200, OpenAiFixtures.CHAT_ANSWER));
        dir = Deployment.freshDir("ci-recipes");
        releases = new Releases(pinnedVersion());
        releaseUrl = releases.url();
        pinnedSum = sha256(Files.readAllBytes(Deployment.war()));
    }

    @AfterEach
    void stopAll() throws Exception {
        try {
            stopStale();
        } finally {
            upstream.close();
            releases.close();
        }
    }

    @Test
    void mavenRecipeTakesThePinnedReleaseAndFailsOnAStaleProxy() throws Exception {
        Path project = copyRecipe("maven");
        Path settings = mavenSettings();
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
    void mavenRecipeFailsOnAWarThatDoesNotMatchItsPinnedSum() throws Exception {
        Path project = copyRecipe("maven");
        pinnedSum = sha256("another build".getBytes(StandardCharsets.UTF_8));
        Result result = run(project, Deployment.freePort(), mvnVerify(), recordSettings());
        assertWrongSumFails(result, project.resolve("target/modelcache.war"), project.resolve("target/modelcache.log"));
    }

    @Test
    void mavenRecipeFallsBackToTheLocalRepositoryWhenTheReleaseCannotBeDownloaded() throws Exception {
        releaseUrl = unreachableUrl();
        Path project = copyRecipe("maven");
        Path built = dir.resolve("local/dev/modelcache/modelcache/" + pinnedVersion() + "/modelcache-" + pinnedVersion() + ".war");
        Files.createDirectories(built.getParent());
        Files.copy(Deployment.war(), built);
        assertFallsBack(run(project, Deployment.freePort(), mvnVerify(), recordSettings()));
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
    void pytestRecipeFailsOnAWarThatDoesNotMatchItsPinnedSum() throws Exception {
        String python = pythonWithPytestAndHttpx();
        pinnedSum = sha256("another build".getBytes(StandardCharsets.UTF_8));
        Path project = copyRecipe("pytest");
        Result result = run(project, Deployment.freePort(), List.of(python, "-m", "pytest", "-q", "-p", "no:cacheprovider"),
                recordSettings());
        assertWrongSumFails(result, project.resolve(".modelcache/modelcache.war"), project.resolve(".modelcache/modelcache.log"));
    }

    @Test
    void pytestRecipeFallsBackToTheLocalRepositoryWhenTheReleaseCannotBeDownloaded() throws Exception {
        releaseUrl = unreachableUrl();
        String python = pythonWithPytestAndHttpx();
        Path project = copyRecipe("pytest");
        assertFallsBack(run(project, Deployment.freePort(), List.of(python, "-m", "pytest", "-q", "-p", "no:cacheprovider"),
                homeWithTheBuiltWar()));
    }

    @Test
    void nodeRecipeFailsOnAStaleProxy() throws Exception {
        Path project = nodeProject();
        Result broken = recordReplayStaleBroken(project, ".modelcache/cache", port -> List.of("npm", "test", "--silent"), null);
        List<String> lines = broken.lines();
        String last = lines.isEmpty() ? "" : lines.get(lines.size() - 1);
        assertTrue(last.contains("ModelCache cannot start: "), "the last line is the proxy's own error:\n" + broken.output);
    }

    @Test
    void nodeRecipeFailsOnAWarThatDoesNotMatchItsPinnedSum() throws Exception {
        pinnedSum = sha256("another build".getBytes(StandardCharsets.UTF_8));
        Path project = nodeProject();
        Result result = run(project, Deployment.freePort(), List.of("npm", "test", "--silent"), recordSettings());
        assertWrongSumFails(result, project.resolve(".modelcache/modelcache.war"), project.resolve(".modelcache/modelcache.log"));
    }

    @Test
    void nodeRecipeFallsBackToTheLocalRepositoryWhenTheReleaseCannotBeDownloaded() throws Exception {
        releaseUrl = unreachableUrl();
        Path project = nodeProject();
        assertFallsBack(run(project, Deployment.freePort(), List.of("npm", "test", "--silent"), homeWithTheBuiltWar()));
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
        Result recorded = run(project, port, command.at(port), recordSettings());
        assertEquals(0, recorded.code, "the record run:\n" + recorded.output);
        assertEquals(1, upstream.calls(), "the test's request reached the provider once");
        assertTrue(recorded.output.contains(releaseUrl + "/v" + pinnedVersion() + "/modelcache.war, " + DOWNLOADED),
                "the run used the pinned release, downloaded and checked:\n" + recorded.output);
        assertEquals(1, releases.downloads.get(), "downloaded once");
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
        if (command.get(0).equals("mvn")) { // the pin and the release URL are the recipe's properties
            List<String> mvn = new ArrayList<>(command);
            mvn.addAll(1, List.of("-Dmodelcache.sha256=" + pinnedSum, "-Dmodelcache.releaseUrl=" + releaseUrl));
            builder.command(mvn);
        } else { // the pin is a constant in the recipe's file, as a user edits it
            for (String file : List.of("conftest.py", "modelcache.mjs")) {
                Path recipe = project.resolve(file);
                if (Files.exists(recipe)) {
                    Files.writeString(recipe, Files.readString(recipe).replaceFirst(
                            "const SHA256 = \"[0-9a-f]{64}\"|SHA256 = \"[0-9a-f]{64}\"",
                            (file.endsWith(".mjs") ? "const " : "") + "SHA256 = \"" + pinnedSum + "\""));
                }
            }
            builder.environment().put("MODELCACHE_RELEASE_URL", releaseUrl);
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
     * A settings file whose local repository is {@code dir/local} (where a fallback test puts the WAR, as
     * {@code mvn install} in ModelCache's folder would) and whose one remote, for every plugin, is the local
     * repository this build already filled: no network, and nothing written into that repository.
     */
    private Path mavenSettings() throws IOException {
        Path home = Path.of(Optional.ofNullable(System.getProperty("maven.repo.local"))
                .orElse(System.getProperty("user.home") + "/.m2/repository"));
        Path settings = dir.resolve("settings.xml");
        Files.writeString(settings, "<settings><localRepository>" + dir.resolve("local") + "</localRepository>"
                + "<mirrors><mirror><id>this-build</id><mirrorOf>*</mirrorOf><url>" + home.toUri()
                + "</url></mirror></mirrors></settings>\n");
        return settings;
    }

    private List<String> mvnVerify() throws IOException {
        int port = Deployment.freePort();
        return List.of("mvn", "-q", "-B", "-s", mavenSettings().toString(), "verify", "-Dmodelcache.port=" + port);
    }

    /** A record run's settings: through the fake provider, with a fake key. */
    private Map<String, String> recordSettings() {
        Map<String, String> record = new LinkedHashMap<>();
        record.put("MODELCACHE_PROVIDERS_OPENAI_BASEURL", upstream.baseUrl());
        record.put("MODELCACHE_CACHE_SHARED", "true");
        record.put("OPENAI_API_KEY", "sk-fake-recipe-key");
        return record;
    }

    /** The record settings, with a HOME whose local Maven repository holds the pinned version built from source. */
    private Map<String, String> homeWithTheBuiltWar() throws IOException {
        Path home = dir.resolve("home");
        Path built = home.resolve(".m2/repository/dev/modelcache/modelcache/" + pinnedVersion() + "/modelcache-"
                + pinnedVersion() + ".war");
        Files.createDirectories(built.getParent());
        Files.copy(Deployment.war(), built);
        Map<String, String> env = recordSettings();
        env.put("HOME", home.toString());
        return env;
    }

    /** A wrong sum ends the run before any proxy starts: the WAR is not kept, the provider never called. */
    private void assertWrongSumFails(Result result, Path war, Path proxyLog) throws IOException {
        assertNotEquals(0, result.code, "a WAR that does not match its pinned sum fails the run:\n" + result.output);
        assertTrue(result.output.contains(releaseUrl + "/v" + pinnedVersion() + "/modelcache.war does not match the pinned SHA-256 "
                + pinnedSum), "the run says which download did not match which sum:\n" + result.output);
        assertFalse(result.output.contains(FELL_BACK), "no fallback on a wrong sum:\n" + result.output);
        assertEquals(1, releases.downloads.get(), "it was downloaded");
        assertFalse(Files.exists(war), "the WAR that did not match is not kept: " + war);
        assertFalse(Files.exists(proxyLog), "no proxy started: " + proxyLog);
        assertEquals(0, upstream.calls());
    }

    /** An unreachable release: the WAR built into the local repository is used, and the run says so. */
    private void assertFallsBack(Result result) throws IOException {
        assertEquals(0, result.code, "the run with the fallback WAR:\n" + result.output);
        assertTrue(result.output.contains("could not download " + releaseUrl + "/v" + pinnedVersion() + "/modelcache.war")
                && result.output.contains(FELL_BACK), "the run says it fell back:\n" + result.output);
        assertEquals(1, upstream.calls(), "the tests ran through the fallback WAR");
    }

    private Path nodeProject() throws IOException {
        Path project = copyRecipe("node");
        Path modules = Deployment.webappConfig("").resolveSibling("src/test/sdk/node_modules");
        assertTrue(Files.isDirectory(modules.resolve("openai")), "no OpenAI Node SDK in " + modules + ": the build's npm ci installs it");
        Files.createSymbolicLink(project.resolve("node_modules"), modules);
        return project;
    }

    /** The release the recipes are pinned to: one version in all three. */
    static String pinnedVersion() throws IOException {
        Path recipes = Deployment.webappConfig("").resolveSibling("src/test/resources/recipes");
        Matcher maven = Pattern.compile("<modelcache.version>([^<]+)</modelcache.version>")
                .matcher(Files.readString(recipes.resolve("maven/pom.xml")));
        assertTrue(maven.find());
        String version = maven.group(1);
        assertTrue(Files.readString(recipes.resolve("pytest/conftest.py")).contains("VERSION = \"" + version + "\""));
        assertTrue(Files.readString(recipes.resolve("node/modelcache.mjs")).contains("const VERSION = \"" + version + "\""));
        return version;
    }

    static String unreachableUrl() throws IOException {
        return "http://127.0.0.1:" + Deployment.freePort(); // nothing listens there
    }

    static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    /** The forge's release downloads, on loopback: {@code /v<version>/modelcache.war} is the WAR under test. */
    static final class Releases implements AutoCloseable {
        final HttpServer server;
        final AtomicInteger downloads = new AtomicInteger();

        Releases(String version) throws IOException {
            byte[] war = Files.readAllBytes(Deployment.war());
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/", exchange -> {
                boolean found = exchange.getRequestURI().getPath().equals("/v" + version + "/modelcache.war");
                if (found) {
                    downloads.incrementAndGet();
                }
                exchange.sendResponseHeaders(found ? 200 : 404, found ? war.length : -1);
                try (OutputStream body = exchange.getResponseBody()) {
                    if (found) {
                        body.write(war);
                    }
                }
            });
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort();
        }

        @Override
        public void close() {
            server.stop(0);
        }
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
