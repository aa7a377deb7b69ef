package dev.modelcache.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The benchmark's pure arithmetic and merge (no timing here: the figures live in target/bench, never in a test). */
class BenchReportTest {

    @Test
    void medianOfRoundsTakesTheMiddleOrTheMeanOfTheMiddleTwo() {
        assertEquals(5.0, BenchStats.median(List.of(9.0, 1.0, 5.0)));
        assertEquals(4.0, BenchStats.median(List.of(9.0, 1.0, 5.0, 3.0)));
        assertTrue(Double.isNaN(BenchStats.median(List.of())));
    }

    @Test
    void percentilesAreNearestRankOfTheSortedSamples() {
        long[] hundred = new long[100];
        for (int i = 0; i < 100; i++) {
            hundred[i] = i + 1;
        }
        assertEquals(50, BenchStats.percentile(hundred, 50));
        assertEquals(99, BenchStats.percentile(hundred, 99));
        assertEquals(100, BenchStats.percentile(hundred, 100));
        assertEquals(1, BenchStats.percentile(hundred, 0));
        assertEquals(7, BenchStats.percentile(new long[] {7}, 99));
        assertTrue(Double.isNaN(BenchStats.percentile(new long[0], 50)));
    }

    @Test
    void aGoalSaysWhetherItWasMetAndAMissingValueIsNeither() throws Exception {
        BenchPart part = new BenchPart("hits", "t");
        assertTrue(part.goal("ratio", 0.9, "x", ">= 0.8").get("met").asBoolean());
        assertFalse(part.goal("ratio", 0.7, "x", ">= 0.8").get("met").asBoolean());
        assertTrue(part.goal("p99", 1.5, "x", "<= 2").get("met").asBoolean());
        ObjectNode missing = part.goal("p99", Double.NaN, "x", "<= 2");
        assertTrue(missing.get("met").isNull() && missing.get("value").isNull());
    }

    @Test
    void aFailedPartIsARowOfTheTableNotACrash() {
        ObjectNode merged = BenchReport.merge(Map.of("hits", hits(0.9)), Map.of("units", "exit code 1"), machine());
        String md = BenchReport.markdown(merged);
        assertTrue(md.contains("| units | FAILED: exit code 1 |"), md);
        assertTrue(md.contains("| hits | hit / bare servlet throughput, 64 conn | 0.9 | x | >= 0.8 | yes |"), md);
        assertEquals(List.of("hits", "units"), merged.get("parts").findValuesAsText("part"));
    }

    @Test
    void theGuardFailsUnderItsBoundOrWhenNothingGuardedWasMeasured() {
        assertEquals(List.of(), BenchReport.guard(BenchReport.merge(Map.of("hits", hits(0.6)), Map.of(), machine())));
        assertEquals(List.of("hit / bare servlet throughput, 64 conn is 0.4, under 0.5"),
                BenchReport.guard(BenchReport.merge(Map.of("hits", hits(0.4)), Map.of(), machine())));
        List<String> failed = BenchReport.guard(BenchReport.merge(Map.of(), Map.of("hits", "exit code 2"), machine()));
        assertEquals(List.of("part hits failed: exit code 2"), failed);
        assertEquals(1, BenchReport.guard(BenchReport.merge(Map.of(), Map.of(), machine())).size());
    }

    @Test
    void valuesAreShownWithThreeSignificantDigitsOrWhole() {
        assertEquals("18,300", BenchReport.format(18_300.4));
        assertEquals("0.485", BenchReport.format(0.48512));
        assertEquals("12.7", BenchReport.format(12.71));
        assertEquals(0.485, BenchPart.round(0.48512));
        assertEquals(18300.0, BenchPart.round(18_300.4));
    }

    private static JsonNode hits(double ratio) {
        BenchPart part = new BenchPart("hits", "t");
        part.goal("hit / bare servlet throughput, 64 conn", ratio, "x", ">= 0.8").put("guard", 0.5);
        return part.json();
    }

    private static ObjectNode machine() {
        ObjectNode machine = BenchPart.JSON.createObjectNode();
        machine.put("commit", "abc1234");
        return machine;
    }
}
