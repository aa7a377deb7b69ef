package dev.modelcache.deploy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * .ci/release, the steps of the release workflow, run for real: the tag must be pom.xml's version (asked of Maven,
 * as the workflow asks), the files released carry that version and a sum file that {@code sha256sum -c} accepts,
 * and a file that no longer matches its sum is never published.
 */
class ReleaseScriptTest {
    static final Path ROOT = Path.of("").toAbsolutePath();
    static final Path SCRIPT = ROOT.resolve(".ci/release");

    @TempDir
    Path dir;

    @Test
    void theTagMustBeThePomsVersion() throws Exception {
        Matcher version = Pattern.compile("<artifactId>modelcache</artifactId>\\s*<version>([^<]+)</version>")
                .matcher(Files.readString(ROOT.resolve("pom.xml")));
        assertTrue(version.find(), "pom.xml names its version");
        Result same = run("check", "v" + version.group(1));
        assertEquals(0, same.code, same.output);
        assertTrue(same.output.contains("pom.xml's version is " + version.group(1)), same.output);

        Result other = run("check", "v9.9.9");
        assertEquals(1, other.code, other.output);
        assertTrue(other.lastLine().startsWith("release: the tag v9.9.9 asks for version 9.9.9, but pom.xml says "
                + version.group(1)), other.output);
    }

    @Test
    void aTagThatIsNoVersionIsRefusedBeforeAnythingRuns() throws Exception {
        Result result = run("check", "nightly");
        assertEquals(1, result.code, result.output);
        assertEquals("release: 'nightly' is not a release tag (v<version>, e.g. v0.1.0)", result.lastLine());
    }

    @Test
    void packageWritesEachFileWithASumThatSha256sumAccepts() throws Exception {
        Path war = war(dir.resolve("build/modelcache.war"), "1.2.3");
        Path out = dir.resolve("dist");
        Result packaged = run("package", "v1.2.3", out.toString(), war.toString());
        assertEquals(0, packaged.code, packaged.output);

        assertArrayEquals(Files.readAllBytes(war), Files.readAllBytes(out.resolve("modelcache.war")));
        String hex = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(war)));
        assertEquals(hex + "  modelcache.war\n", Files.readString(out.resolve("modelcache.war.sha256")),
                "sha256sum's format, naming the file without its folder");
        Result check = exec(out, "sha256sum", "-c", "modelcache.war.sha256");
        assertEquals(0, check.code, check.output);
        assertEquals("modelcache.war: OK", check.lastLine());
    }

    @Test
    void aWarOfAnotherVersionIsNotPackaged() throws Exception {
        Path war = war(dir.resolve("build/modelcache.war"), "1.2.2");
        Result result = run("package", "v1.2.3", dir.resolve("dist").toString(), war.toString());
        assertEquals(1, result.code, result.output);
        assertEquals("release: modelcache.war says Implementation-Version '1.2.2', the tag v1.2.3 asks for 1.2.3",
                result.lastLine());
        assertFalse(Files.exists(dir.resolve("dist/modelcache.war.sha256")));
    }

    /** publish checks every sum before it asks the forge for anything (gh is not called here: it is not reached). */
    @Test
    void aFileThatNoLongerMatchesItsSumIsNotPublished() throws Exception {
        Path out = dir.resolve("dist");
        assertEquals(0, run("package", "v1.2.3", out.toString(), war(dir.resolve("modelcache.war"), "1.2.3").toString()).code);
        try (OutputStream append = Files.newOutputStream(out.resolve("modelcache.war"), java.nio.file.StandardOpenOption.APPEND)) {
            append.write('x');
        }
        Result result = run("publish", "v1.2.3", out.toString());
        assertEquals(1, result.code, result.output);
        assertEquals("release: " + out.resolve("modelcache.war.sha256") + " does not match its file", result.lastLine());
    }

    record Result(int code, String output) {
        String lastLine() {
            List<String> lines = output.lines().filter(line -> !line.isBlank()).toList();
            return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
        }
    }

    /** A WAR whose manifest says {@code version}, as maven-war-plugin writes it. */
    private static Path war(Path file, String version) throws IOException {
        Files.createDirectories(file.getParent());
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.IMPLEMENTATION_VERSION, version);
        try (JarOutputStream jar = new JarOutputStream(Files.newOutputStream(file), manifest)) {
            jar.putNextEntry(new JarEntry("WEB-INF/web.xml"));
            jar.write("<web-app/>\n".getBytes(StandardCharsets.UTF_8));
        }
        return file;
    }

    private Result run(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("bash", SCRIPT.toString()));
        command.addAll(List.of(args));
        return exec(ROOT, command.toArray(String[]::new));
    }

    private static Result exec(Path where, String... command) throws Exception {
        Process process = new ProcessBuilder(command).directory(where.toFile()).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(180, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail(String.join(" ", command) + " ran past 180 s");
        }
        return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    }
}
