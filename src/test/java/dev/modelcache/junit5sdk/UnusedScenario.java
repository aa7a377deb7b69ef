package dev.modelcache.junit5sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.openai.client.okhttp.OpenAIOkHttpClient;
import dev.modelcache.junit5.Mode;
import dev.modelcache.junit5.ModelCacheExtension;
import dev.modelcache.junit5.Unused;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What is left of {@link OpenAiSdkScenario} after two of its tests were removed: it replays one of the namespace's
 * recordings, and with {@link Unused#FAIL} the class fails naming the files nobody asked for. Run by
 * {@link SdksInEveryModeIT} through the test kit, which asserts that failure.
 */
class UnusedScenario {
    @RegisterExtension
    static final ModelCacheExtension MODELCACHE = Rig.MODES.extension().mode(Mode.REPLAY).namespace("OpenAiSdkScenario")
            .unused(Unused.FAIL).build();

    @Test
    void theOnlyTestLeft() {
        assertEquals("Echo: Say hi", OpenAiSdkScenario.answer(OpenAIOkHttpClient.builder().fromEnv()
                .apiKey("sk-placeholder"), OpenAiSdkScenario.ask("Say hi")));
    }
}
