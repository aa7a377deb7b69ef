package dev.modelcache.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.modelcache.admin.AdminEndpoints;
import dev.modelcache.config.ConfigKeys;
import dev.modelcache.config.Settings;
import dev.modelcache.support.TestProxy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Dockerfile in docs/DEPLOYMENT.md ("Docker") is never built here (no Docker engine on these machines), so it is
 * checked against the code instead: the settings it names exist, the host makes it reachable from outside, the cache
 * folder is the volume, the port is the default one everywhere, the user is not root, and its health check, run
 * as it is against a real proxy, passes on a live proxy and fails on a dead port.
 */
class DockerfileTest {
    static final Path DEPLOYMENT = Path.of("docs/DEPLOYMENT.md");
    static final String PORT = ConfigKeys.PORT.defaultValue();

    @TempDir
    Path cacheDir;

    @Test
    void theDockerfileNamesOnlyRealSettingsAndListensOnTheDefaultPortFromOutside() throws IOException {
        String section = section();
        String dockerfile = dockerfile();
        assertTrue(section.contains("No Docker engine runs on the machines"), "the section says the image was never built here");
        assertEquals("FROM eclipse-temurin:17-jre", dockerfile.lines().findFirst().orElse(""));

        Set<String> known = Arrays.stream(ConfigKeys.values()).filter(key -> !key.templated())
                .map(key -> Settings.environmentName(key.key())).collect(Collectors.toSet());
        Matcher variable = Pattern.compile("MODELCACHE_[A-Z0-9_]+").matcher(section);
        while (variable.find()) {
            if (!variable.group().endsWith("_")) { // MODELCACHE_PROVIDERS_<NAME>_APIKEY is a pattern, named in prose
                assertTrue(known.contains(variable.group()), variable.group() + " is a setting (config/ConfigKeys)");
            }
        }
        Map<String, String> env = env(dockerfile);
        assertEquals("0.0.0.0", env.get(Settings.environmentName(ConfigKeys.HOST.key())), "reachable from outside the container");
        assertEquals(PORT, env.get(Settings.environmentName(ConfigKeys.PORT.key())), "the default port");
        assertEquals(List.of(PORT), instruction(dockerfile, "EXPOSE"));
        String cache = env.get(Settings.environmentName(ConfigKeys.CACHE_DIR.key()));
        assertEquals(List.of(cache), instruction(dockerfile, "VOLUME"), "the cache folder is the volume");
        assertTrue(dockerfile.contains("chown modelcache:modelcache " + cache), "the user owns the cache folder");
        assertTrue(dockerfile.contains("ENTRYPOINT [\"java\", \"-jar\", \"/opt/modelcache/modelcache.war\"]"));
    }

    @Test
    void theUserIsNotRootAndIsSetBeforeTheProxyStarts() throws IOException {
        String dockerfile = dockerfile();
        List<String> user = instruction(dockerfile, "USER");
        assertEquals(1, user.size(), "one USER: " + user);
        assertFalse(Set.of("root", "0", "0:0", "root:root").contains(user.get(0)), "not root: " + user);
        assertTrue(dockerfile.replace("\\\n", " ").contains("--create-home " + user.get(0) + " "),
                "the user is created in the image");
        assertTrue(dockerfile.indexOf("\nUSER ") < dockerfile.indexOf("\nENTRYPOINT "), "USER comes before ENTRYPOINT");
    }

    @Test
    void theHealthCheckPassesOnALiveProxyAndFailsOnADeadPort() throws Exception {
        String check = healthCheckCommand();
        assertTrue(check.contains(AdminEndpoints.PREFIX + "/health"), "the real health path: " + check);
        assertTrue(check.contains("/dev/tcp/127.0.0.1/" + PORT + " "), "the default port: " + check);
        try (TestProxy proxy = TestProxy.start("http://127.0.0.1:9", cacheDir.resolve("cache"))) {
            assertEquals(0, run(check.replace("/127.0.0.1/" + PORT + " ", "/127.0.0.1/" + proxy.port() + " ")),
                    "the health check passes on a live proxy: " + check);
        }
        int dead = Deployment.freePort();
        assertNotEquals(0, run(check.replace("/127.0.0.1/" + PORT + " ", "/127.0.0.1/" + dead + " ")),
                "and fails where nothing answers");
    }

    /** The HEALTHCHECK's command, as Docker runs it ({@code /bin/sh -c}). */
    private static String healthCheckCommand() throws IOException {
        String dockerfile = dockerfile().replace("\\\n", " ");
        Matcher health = Pattern.compile("(?m)^HEALTHCHECK .*? CMD (.+)$").matcher(dockerfile);
        assertTrue(health.find(), "a HEALTHCHECK with a CMD");
        return health.group(1).strip();
    }

    private static int run(String command) throws Exception {
        Process process = new ProcessBuilder("/bin/sh", "-c", command).redirectErrorStream(true).start();
        process.getInputStream().readAllBytes();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("the health check ran past 30 s: " + command);
        }
        return process.exitValue();
    }

    /** The "Docker" section of docs/DEPLOYMENT.md. */
    private static String section() throws IOException {
        String text = Files.readString(DEPLOYMENT, StandardCharsets.UTF_8);
        int start = text.indexOf("\n## Docker\n");
        assertTrue(start >= 0, "docs/DEPLOYMENT.md has a section \"Docker\"");
        int end = text.indexOf("\n## ", start + 1);
        return text.substring(start, end < 0 ? text.length() : end);
    }

    /** Its one dockerfile block. */
    private static String dockerfile() throws IOException {
        String section = section();
        int start = section.indexOf("```dockerfile\n");
        assertTrue(start >= 0, "the section shows the Dockerfile");
        int end = section.indexOf("\n```", start);
        return section.substring(start + "```dockerfile\n".length(), end + 1);
    }

    /** The arguments of every {@code name} instruction. */
    private static List<String> instruction(String dockerfile, String name) {
        return dockerfile.lines().filter(line -> line.startsWith(name + " "))
                .flatMap(line -> Arrays.stream(line.substring(name.length() + 1).strip().split("\\s+"))).toList();
    }

    /** The ENV instruction's NAME=value pairs (continuation lines joined). */
    private static Map<String, String> env(String dockerfile) {
        String joined = dockerfile.replace("\\\n", " ");
        return joined.lines().filter(line -> line.startsWith("ENV "))
                .flatMap(line -> Arrays.stream(line.substring(4).strip().split("\\s+")))
                .map(pair -> pair.split("=", 2)).collect(Collectors.toMap(pair -> pair[0], pair -> pair[1]));
    }
}
