package dev.modelcache.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every number, date and time the dashboard shows is formatted in one locale (the viewer's, {@code LOCALE}): it once
 * grouped numbers the American way and wrote dates the British way, and cut the chart's ticks out of a British time
 * string. A check of the script's text, for the formatters sit in a closure the browser test cannot call.
 */
class DashboardFormatsTest {
    private static final Path SCRIPT = Path.of("src/main/resources/dev/modelcache/admin/dashboard/dashboard.js");

    @Test
    void everyDisplayFormatUsesThePagesOneLocale() throws Exception {
        String js = Files.readString(SCRIPT);
        assertTrue(js.contains("var LOCALE = (navigator.languages && navigator.languages[0]) || navigator.language"),
                "the locale is the viewer's");
        List<String> elsewhere = new ArrayList<>();
        Matcher call = Pattern.compile("\\.toLocale(?:String|TimeString|DateString)\\(([^)]*)\\)").matcher(js);
        int calls = 0;
        while (call.find()) {
            calls++;
            if (!call.group(1).startsWith("LOCALE")) {
                elsewhere.add(call.group());
            }
        }
        assertTrue(calls >= 4, "numbers, times and dates are formatted: " + calls);
        assertEquals(List.of(), elsewhere, "formatted in another locale than LOCALE");
        Matcher fixed = Pattern.compile("\\.(toFixed|toPrecision)\\(").matcher(js);
        assertTrue(!fixed.find(), "a number formatted without the locale: " + (fixed.hitEnd() ? "" : fixed.group()));
        assertTrue(!js.contains(".slice(0, 5)"), "no tick cut out of one locale's time string");
    }
}
