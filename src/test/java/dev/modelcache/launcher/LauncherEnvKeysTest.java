package dev.modelcache.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelcache.config.Settings;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.apache.catalina.LifecycleException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher, with webapp-config/context.xml (OpenAI at api.openai.com, no key), takes {@code OPENAI_API_KEY} from
 * a given environment, says so once without the value, and will not start on a non-loopback host with it. Nothing
 * is sent to a provider here.
 */
class LauncherEnvKeysTest {
    static final String KEY = "sk-env-launcher-77";

    @TempDir
    Path cacheDir;
    final List<String> logged = new CopyOnWriteArrayList<>();
    final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            logged.add(String.valueOf(record.getMessage()) + (record.getThrown() == null ? "" : " " + record.getThrown()));
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void start() {
        capture.setLevel(Level.ALL);
        Logger.getLogger("").addHandler(capture);
        System.setProperty("modelcache.cache.dir", cacheDir.toString());
    }

    @AfterEach
    void stop() {
        System.clearProperty("modelcache.cache.dir");
        System.clearProperty("modelcache.launcher.envKeys");
        Logger.getLogger("").removeHandler(capture);
    }

    private Launcher launch(String host) throws Exception {
        return Launcher.start(0, ServerSettings.from(Settings.of(Map.of("host", host))),
                Path.of("webapp-config/context.xml"), Path.of("src/main/webapp"), Map.of("OPENAI_API_KEY", KEY));
    }

    @Test
    void theLauncherTakesOpenAisKeyFromTheEnvironmentAndSaysSoWithoutTheValue() throws Exception {
        Launcher launcher = launch("127.0.0.1");
        try {
            assertEquals(KEY, launcher.app().config().providers().provider("openai").apiKey());
        } finally {
            launcher.stop();
        }
        assertEquals(1, logged.stream().filter(line -> line.contains("OPENAI_API_KEY")).count(), logged.toString());
        assertTrue(logged.stream().noneMatch(line -> line.contains(KEY)), logged.toString());
    }

    @Test
    void withAKeyFromTheEnvironmentTheLauncherRefusesToListenBeyondLoopback() {
        // The reason is the launcher's to print, once, on one line: it is the exception's message, not a log line.
        LifecycleException e = assertThrows(LifecycleException.class, () -> launch("0.0.0.0").stop());
        assertTrue(e.getMessage().contains("'host'") && e.getMessage().contains("OPENAI_API_KEY"), e.getMessage());
        assertFalse(e.getMessage().contains(KEY), e.getMessage());
        assertTrue(logged.stream().noneMatch(line -> line.contains(KEY)), logged.toString());
    }

    @Test
    void launcherEnvKeysFalseLeavesTheProviderWithoutAKey() throws Exception {
        System.setProperty("modelcache.launcher.envKeys", "false");
        Launcher launcher = launch("0.0.0.0");
        try {
            assertNull(launcher.app().config().providers().provider("openai").apiKey());
        } finally {
            launcher.stop();
        }
        assertFalse(logged.stream().anyMatch(line -> line.contains("OPENAI_API_KEY")), logged.toString());
    }
}
