package dev.modelcache.junit5;

/**
 * A test run in a JVM of its own, for {@link ModelCacheExtensionIT}: runs {@link InnerTests.WaitsToBeKilled}, whose
 * proxy is a child of this JVM, and is killed with SIGKILL while it waits.
 */
public final class KillMain {
    private KillMain() {
    }

    public static void main(String[] args) {
        InnerRun.of(InnerTests.WaitsToBeKilled.class);
    }
}
