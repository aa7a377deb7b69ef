package dev.modelcache.junit5sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.modelcache.junit5.Mode;
import dev.modelcache.junit5.ModelCacheExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A test that changed since {@link OpenAiSdkScenario} was recorded: the same prompt, now with a temperature. In
 * replay it must fail, and its failure must say why (the nearest recording and {@code /temperature}). It must fail,
 * so {@link SdksInEveryModeIT} runs it through the test kit and asserts the failure. The SDK keeps its default
 * retries: a replay miss must not be retried.
 */
class MissScenario {
    @RegisterExtension
    static final ModelCacheExtension MODELCACHE = Rig.MODES.extension().mode(Mode.REPLAY).namespace("OpenAiSdkScenario").build();

    @Test
    void aRequestThatWasNotRecorded() {
        ChatCompletionCreateParams changed = ChatCompletionCreateParams.builder().model(OpenAiSdkScenario.MODEL)
                .addUserMessage("Say hi").temperature(0.2).build();
        assertEquals("Echo: Say hi", OpenAiSdkScenario.answer(OpenAIOkHttpClient.builder().fromEnv()
                .apiKey("sk-placeholder"), changed));
    }
}
