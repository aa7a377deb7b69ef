package dev.modelcache.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelcache.config.Settings;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** {@code launcher/exitWithStdin}: the launcher stops when its standard input ends, and only then. */
class StdinExitTest {
    private static Settings exitWithStdin(String value) {
        return Settings.layered(Map.of(), new Properties(), Map.of("MODELCACHE_LAUNCHER_EXITWITHSTDIN", value));
    }

    @Test
    void theEndOfTheInputStopsTheLauncherWhateverCameBefore() throws Exception {
        PipedOutputStream parent = new PipedOutputStream();
        PipedInputStream input = new PipedInputStream(parent);
        CountDownLatch stopped = new CountDownLatch(1);
        StdinExit.watch(exitWithStdin("true"), input, stopped::countDown);
        parent.write("anything a parent writes is no command\n".getBytes());
        parent.flush();
        assertEquals(1, stopped.getCount(), "input that goes on is no reason to stop");
        parent.close(); // the parent ended: the kernel closes its end of the pipe
        assertTrue(stopped.await(30, TimeUnit.SECONDS), "stopped at the end of the input");
    }

    @Test
    void offByDefaultTheInputIsNotRead() throws Exception {
        AtomicInteger stops = new AtomicInteger();
        PipedInputStream input = new PipedInputStream(new PipedOutputStream()) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                stops.addAndGet(100); // read at all: the watcher ran
                return -1;
            }
        };
        StdinExit.watch(exitWithStdin("false"), input, stops::incrementAndGet);
        StdinExit.watch(Settings.layered(Map.of(), new Properties(), Map.of()), input, stops::incrementAndGet);
        assertEquals(0, stops.get(), "no thread reads the launcher's input unless asked to");
    }
}
