package dev.modelcache.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** A request body as one quoted log field: minified, credentials blanked, escaped to one line, bounded. */
class BodyTextTest {
    private static String quoted(String body, int maxChars) {
        return BodyText.quoted(body.getBytes(StandardCharsets.UTF_8), maxChars);
    }

    @Test
    void jsonIsMinifiedAndEscaped() {
        String body = "{\n  \"model\": \"gpt-4o-mini\",\n  \"messages\": [{\"role\": \"user\", \"content\": \"a \\\"quote\\\", a \\\\ and\\na break\"}]\n}";
        assertEquals("\"{\\\"model\\\":\\\"gpt-4o-mini\\\",\\\"messages\\\":[{\\\"role\\\":\\\"user\\\","
                + "\\\"content\\\":\\\"a \\\\\\\"quote\\\\\\\", a \\\\\\\\ and\\\\na break\\\"}]}\"", quoted(body, 2000));
    }

    @Test
    void textThatIsNotJsonKeepsToOneLineWithControlCharactersEscaped() {
        String logged = quoted("line one\r\nline \"two\"\u0000\u2028end\\", 2000);
        assertEquals("\"line one\\r\\nline \\\"two\\\"\\u0000\\u2028end\\\\\"", logged);
    }

    @Test
    void aLongBodyIsCutAndSaysHowMuchWasLeftOut() {
        String logged = quoted("x".repeat(150), 100);
        assertEquals("\"" + "x".repeat(100) + "…(+50 chars)\"", logged);
        assertEquals("\"" + "x".repeat(100) + "\"", quoted("x".repeat(100), 100));
    }

    @Test
    void aCutNeverSplitsASurrogatePair() {
        String logged = quoted("ab\uD83D\uDE00cd", 3);
        assertEquals("\"ab…(+4 chars)\"", logged);
    }

    @Test
    void credentialsAreBlankedButTokenCountsAndPromptsStay() {
        String body = "{\"model\":\"gpt-4o-mini\",\"max_tokens\":50,\"api_key\":\"plain-secret-1\",\"metadata\":"
                + "{\"token\":\"plain-secret-2\"},\"messages\":[{\"role\":\"user\",\"content\":\"use sk-proj-ABCDEFGH12345 "
                + "and Bearer abc.def.ghi with https://u:pw@h.example/x?key=AIzaSECRET, ok.\"}],\"stop\":[\"sk-ABCDEFGH123456\"]}";
        String logged = quoted(body, 2000);
        for (String secret : new String[] {"plain-secret-1", "plain-secret-2", "sk-proj-ABCDEFGH12345", "abc.def.ghi",
                "u:pw", "AIzaSECRET", "sk-ABCDEFGH123456"}) {
            assertFalse(logged.contains(secret), secret + " in " + logged);
        }
        assertTrue(logged.contains("\\\"max_tokens\\\":50"), logged);
        assertTrue(logged.contains("\\\"api_key\\\":\\\"REDACTED\\\""), logged);
        assertTrue(logged.contains("use REDACTED and REDACTED with https://REDACTED@h.example/x ok."), logged);
    }

    @Test
    void noBodyIsAnEmptyField() {
        assertEquals("\"\"", BodyText.quoted(null, 10));
        assertEquals("\"\"", BodyText.quoted(new byte[0], 10));
    }
}
