package dev.modelcache.junit5sdk;

import dev.modelcache.junit5.ModelCacheExtension;
import dev.modelcache.support.FakeUpstream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What scenario classes share with the IT that runs them (through the JUnit Platform's test kit, in the same JVM): a
 * fake provider and a cassette folder for the JVM's life, because a scenario's extension is a static field, made
 * once when its class is first used. An IT changes the mode between runs with the system property
 * {@code modelcache.mode}, which the extension reads when a class starts, and stops the provider with
 * {@link #stopUpstream()} to replay offline (a call that reached the provider's port would then fail). Each IT has
 * its own rig, so that one stopping its provider leaves the other's alone.
 */
final class Rig {
    /** The rig of {@link SdksInEveryModeIT}. */
    static final Rig MODES = new Rig("modes");
    /** The rig of {@link ParallelClassesIT}. */
    static final Rig PARALLEL = new Rig("parallel");

    final ChatProvider provider = new ChatProvider();
    private final String name;
    private FakeUpstream upstream;
    private String upstreamUrl;
    private Path cassettes;

    private Rig(String name) {
        this.name = name;
    }

    /** The fake provider, started on first use. */
    synchronized FakeUpstream upstream() {
        if (upstream == null) {
            try {
                upstream = FakeUpstream.start().handler(provider::answer);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            upstreamUrl = upstream.baseUrl();
        }
        return upstream;
    }

    /** Stops the fake provider: its port refuses connections from now on. */
    synchronized void stopUpstream() throws IOException {
        upstream().close();
    }

    /** The cassette folder: below target/, new for each JVM. */
    synchronized Path cassettes() {
        if (cassettes == null) {
            try {
                Path target = Path.of("target").toAbsolutePath();
                Files.createDirectories(target);
                cassettes = Files.createTempDirectory(target, "junit5sdk-" + name + "-");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return cassettes;
    }

    /** A scenario's extension: the cassette folder above, OpenAI's and Anthropic's APIs at the fake provider. */
    ModelCacheExtension.Builder extension() {
        upstream();
        return ModelCacheExtension.builder().cassettes(cassettes())
                .setting("providers/openai/baseUrl", upstreamUrl)
                .setting("providers/anthropic/baseUrl", upstreamUrl)
                .setting("upstream/connectTimeout", "2")
                .setting("upstream/responseTimeout", "10");
    }
}
