package dev.modelcache.launcher;

import dev.modelcache.config.ConfigKeys;
import dev.modelcache.config.ConfigReader;
import dev.modelcache.config.Settings;
import java.io.IOException;
import java.io.InputStream;

/**
 * {@code launcher/exitWithStdin}: the launcher stops when its standard input ends. A parent that starts the proxy as
 * a child and holds the pipe (the JUnit 5 extension) takes the proxy along however it ends: the kernel closes the
 * pipe of a killed process ({@code kill -9} runs no shutdown hook of the parent), the child reads the end of its
 * input and stops as on Ctrl-C (answers in flight drained, the cache written). Whatever arrives on the input is
 * ignored.
 */
final class StdinExit {
    private StdinExit() {
    }

    /** With the setting on, watches {@code in} on a daemon thread and calls {@code exit} at its end. */
    static void watch(Settings settings, InputStream in, Runnable exit) {
        if (!new ConfigReader(settings).flag(ConfigKeys.LAUNCHER_EXIT_WITH_STDIN)) {
            return;
        }
        Thread watcher = new Thread(() -> {
            byte[] ignored = new byte[256];
            try {
                while (in.read(ignored) >= 0) {
                    // Input is not a command: read on until it ends.
                }
            } catch (IOException e) {
                // A broken input is an ended one.
            }
            System.out.println("ModelCache: standard input ended (launcher/exitWithStdin); stopping");
            exit.run();
        }, "modelcache-stdin-exit");
        watcher.setDaemon(true);
        watcher.start();
    }
}
