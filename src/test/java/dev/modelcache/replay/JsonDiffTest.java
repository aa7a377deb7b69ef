package dev.modelcache.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelcache.http.JsonParsers;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonDiffTest {
    private static JsonNode json(String text) {
        try {
            return JsonParsers.REQUEST.readTree(text);
        } catch (JsonProcessingException e) {
            throw new AssertionError(e);
        }
    }

    private static List<Difference> diff(String before, String after) {
        return JsonDiff.between(json(before), json(after)).differences();
    }

    @Test
    void equalTreesHaveNoDifferencesWhateverTheirFieldOrder() {
        JsonDiff.Result result = JsonDiff.between(json("{\"a\":1,\"b\":[true,null,\"x\"]}"),
                json("{\"b\":[true,null,\"x\"],\"a\":1}"));
        assertTrue(result.isEmpty());
        assertEquals(0, result.total());
    }

    @Test
    void aChangedScalarIsNamedByItsPointerWithBothValuesAsJsonText() {
        assertEquals(List.of(new Difference("/temperature", "0.7", "0.2")), diff("{\"temperature\":0.7}", "{\"temperature\":0.2}"));
        assertEquals(List.of(new Difference("/model", "\"gpt-4o\"", "\"gpt-4o-mini\"")),
                diff("{\"model\":\"gpt-4o\"}", "{\"model\":\"gpt-4o-mini\"}"));
    }

    @Test
    void numbersAreComparedByExactValueSoTrailingZerosDoNotDiffer() {
        assertEquals(List.of(), diff("{\"temperature\":0.7,\"top_p\":1E+2}", "{\"temperature\":0.70,\"top_p\":100.0}"));
        assertEquals(List.of(), diff("{\"n\":0.1}", "{\"n\":0.10000}"));
        assertEquals(List.of(new Difference("/n", "0.1", "0.10000000000000000001")),
                diff("{\"n\":0.1}", "{\"n\":0.10000000000000000001}"));
    }

    @Test
    void anIntegerDiffersFromTheSameNumberWithAFractionAsTheKeyDoes() {
        assertEquals(List.of(new Difference("/max_tokens", "1", "1.0")), diff("{\"max_tokens\":1}", "{\"max_tokens\":1.0}"));
        assertEquals(List.of(new Difference("/n", "100.0", "100")), diff("{\"n\":1E+2}", "{\"n\":100}"));
    }

    @Test
    void aNumberWithAFractionIsShownAsTheKeySpellsItInPlainDigitsWhenShort() {
        assertEquals(List.of(new Difference("/t", "0.7", "0.25")), diff("{\"t\":0.70}", "{\"t\":0.250}"));
        assertEquals(List.of(new Difference("/t", "1E+400", "0.0")), diff("{\"t\":1e400}", "{\"t\":0.000}"));
    }

    @Test
    void aDoubleBuiltByHandIsComparedByItsValue() {
        ObjectNode before = JsonNodeFactory.instance.objectNode().put("t", 0.5);
        assertTrue(JsonDiff.between(before, json("{\"t\":0.50}")).isEmpty());
        ObjectNode infinite = JsonNodeFactory.instance.objectNode().set("t", DoubleNode.valueOf(Double.POSITIVE_INFINITY));
        assertTrue(JsonDiff.between(infinite, infinite.deepCopy()).isEmpty());
        assertEquals(1, JsonDiff.between(infinite, before).total());
    }

    @Test
    void arraysAreComparedElementByElementByIndex() {
        assertEquals(List.of(new Difference("/messages/1/content", "\"b\"", "\"c\"")),
                diff("{\"messages\":[{\"content\":\"a\"},{\"content\":\"b\"}]}",
                        "{\"messages\":[{\"content\":\"a\"},{\"content\":\"c\"}]}"));
    }

    @Test
    void anElementAddedAtTheEndIsOneDifferenceFromAbsent() {
        assertEquals(List.of(new Difference("/messages/2", "(absent)", "{\u2026}")),
                diff("{\"messages\":[{\"r\":1},{\"r\":2}]}", "{\"messages\":[{\"r\":1},{\"r\":2},{\"r\":3}]}"));
        assertEquals(List.of(new Difference("/stop/1", "\"b\"", "(absent)")),
                diff("{\"stop\":[\"a\",\"b\"]}", "{\"stop\":[\"a\"]}"));
    }

    @Test
    void aFieldOnOneSideOnlyIsAbsentOnTheOther() {
        assertEquals(List.of(new Difference("/seed", "(absent)", "42"), new Difference("/tools", "[\u2026]", "(absent)")),
                diff("{\"tools\":[{}]}", "{\"seed\":42}"));
    }

    @Test
    void nullIsAValueNotAnAbsence() {
        assertEquals(List.of(new Difference("/stop", "null", "(absent)")), diff("{\"stop\":null}", "{}"));
    }

    @Test
    void objectsAndArraysAreRenderedShortAndEmptyOnesAsThemselves() {
        assertEquals(List.of(new Difference("/a", "{}", "[]"), new Difference("/b", "[]", "{}"),
                        new Difference("/c", "{\u2026}", "[\u2026]")),
                diff("{\"a\":{},\"b\":[],\"c\":{\"x\":1}}", "{\"a\":[],\"b\":{},\"c\":[1]}"));
    }

    @Test
    void aValueOfAnotherTypeIsOneDifference() {
        assertEquals(List.of(new Difference("/n", "\"1\"", "1")), diff("{\"n\":\"1\"}", "{\"n\":1}"));
        assertEquals(List.of(new Difference("/b", "true", "\"true\"")), diff("{\"b\":true}", "{\"b\":\"true\"}"));
    }

    @Test
    void aWholeBodyOfAnotherShapeIsADifferenceAtTheEmptyPointer() {
        assertEquals(List.of(new Difference("", "{\u2026}", "[\u2026]")), diff("{\"a\":1}", "[1]"));
        assertEquals("(body) {\u2026} -> [\u2026]", diff("{\"a\":1}", "[1]").get(0).toString());
    }

    @Test
    void aLongStringIsCutToFortyCharactersWithAnEllipsis() {
        String longText = "x".repeat(100);
        Difference difference = diff("{\"c\":\"short\"}", "{\"c\":\"" + longText + "\"}").get(0);
        assertEquals("\"short\"", difference.before());
        assertEquals("\"" + "x".repeat(39) + "\u2026\"", difference.after());
    }

    @Test
    void aCutNeverSplitsASurrogatePair() {
        String emoji = "\uD83D\uDE00";
        String text = "y".repeat(38) + emoji + "z".repeat(10);
        String rendered = diff("{\"c\":\"\"}", "{\"c\":\"" + text + "\"}").get(0).after();
        assertEquals("\"" + "y".repeat(38) + "\u2026\"", rendered);
    }

    @Test
    void aStringIsRenderedAsJsonTextWithItsEscapes() {
        assertEquals("\"a\\nb\\\"c\"", diff("{\"c\":1}", "{\"c\":\"a\\nb\\\"c\"}").get(0).after());
    }

    @Test
    void aLongNumberIsCutToo() {
        String digits = "9".repeat(300);
        String rendered = diff("{\"n\":1}", "{\"n\":" + digits + "}").get(0).after();
        assertEquals(40, rendered.length());
        assertTrue(rendered.endsWith("\u2026"));
    }

    @Test
    void fieldNamesAreEscapedInPointers() {
        assertEquals(List.of(new Difference("/a~1b/m~0n", "1", "2")), diff("{\"a/b\":{\"m~n\":1}}", "{\"a/b\":{\"m~n\":2}}"));
    }

    @Test
    void ignoredPointersAndEverythingUnderThemAreLeftOut() {
        JsonDiff.Result result = JsonDiff.between(
                json("{\"user\":\"alice\",\"metadata\":{\"run\":1},\"username\":\"a\",\"t\":1}"),
                json("{\"user\":\"bob\",\"metadata\":{\"run\":2,\"extra\":true},\"username\":\"b\",\"t\":1}"),
                List.of("/user", "/metadata"), JsonDiff.DEFAULT_LIMIT);
        assertEquals(List.of(new Difference("/username", "\"a\"", "\"b\"")), result.differences(),
                "a field whose name only starts with an ignored one is compared");
    }

    @Test
    void anIgnoredFieldPresentOnOneSideOnlyIsLeftOut() {
        assertTrue(JsonDiff.between(json("{\"t\":1}"), json("{\"t\":1,\"user\":\"bob\"}"), List.of("/user"), 50).isEmpty());
    }

    @Test
    void theListStopsAtTheLimitAndCountsTheRest() {
        StringBuilder before = new StringBuilder("{");
        StringBuilder after = new StringBuilder("{");
        for (int i = 0; i < 70; i++) {
            before.append(i == 0 ? "" : ",").append("\"f").append(String.format("%02d", i)).append("\":").append(i);
            after.append(i == 0 ? "" : ",").append("\"f").append(String.format("%02d", i)).append("\":").append(-i - 1);
        }
        JsonDiff.Result result = JsonDiff.between(json(before + "}"), json(after + "}"));
        assertEquals(JsonDiff.DEFAULT_LIMIT, result.differences().size());
        assertEquals(20, result.more());
        assertEquals(70, result.total());
        assertEquals("/f00", result.differences().get(0).pointer(), "in document order");

        JsonDiff.Result none = JsonDiff.between(json(before + "}"), json(after + "}"), List.of(), 0);
        assertEquals(List.of(), none.differences());
        assertEquals(70, none.more());
    }

    @Test
    void missingTreesOnBothSidesHaveNoDifferences() {
        assertTrue(JsonDiff.between(null, null).isEmpty());
        assertEquals(List.of(new Difference("", "(absent)", "{}")),
                JsonDiff.between(null, json("{}")).differences());
    }

    @Test
    void aHugeExponentIsShownInScientificNotationWithoutWritingItsDigits() {
        assertEquals(List.of(new Difference("/t", "0.7", "1E+999999999")), diff("{\"t\":0.7}", "{\"t\":1e999999999}"));
        assertEquals(List.of(new Difference("/t", "-1E+999999999", "1E-999999999")),
                diff("{\"t\":-1e999999999}", "{\"t\":1e-999999999}"));
        assertEquals(List.of(), diff("{\"t\":1e999999999}", "{\"t\":10e999999998}"));
        assertEquals(List.of(new Difference("/t", "0.0000001", "1E-40")), diff("{\"t\":1e-7}", "{\"t\":1e-40}"),
                "plain digits while they fit");
    }

    @Test
    void aNumberWhoseZerosCannotAllBeStrippedIsComparedAndShown() {
        assertEquals(List.of(), diff("{\"t\":100e2147483647}", "{\"t\":1000e2147483646}"));
        assertEquals(List.of(new Difference("/t", "1.0E+2147483649", "0.7")),
                diff("{\"t\":100e2147483647}", "{\"t\":0.7}"));
    }

    @Test
    void aThousandDigitNumberIsCut() {
        String digits = "9".repeat(980); // the parser allows 1000 characters
        Difference difference = diff("{\"n\":1.5}", "{\"n\":" + digits + ".5e-999999999}").get(0);
        assertEquals(40, difference.after().length(), difference.after());
        assertTrue(difference.after().startsWith("9.99999"), difference.after());
    }

    @Test
    void aLongFieldNameIsCutInThePointer() {
        String name = "n".repeat(1_000_000);
        Difference difference = diff("{\"" + name + "\":{\"x\":1}}", "{\"" + name + "\":{\"x\":2}}").get(0);
        assertEquals(JsonDiff.MAX_POINTER, difference.pointer().length());
        assertEquals("/" + "n".repeat(JsonDiff.MAX_POINTER - 2) + "\u2026", difference.pointer());
    }

    @Test
    void aPointerThroughManyLevelsIsCutOnceAndNotRebuiltAtEachLevel() {
        String name = "k".repeat(100);
        String before = ("{\"" + name + "\":").repeat(60) + "1" + "}".repeat(60);
        String after = ("{\"" + name + "\":").repeat(60) + "2" + "}".repeat(60);
        Difference difference = diff(before, after).get(0);
        assertEquals(JsonDiff.MAX_POINTER, difference.pointer().length());
        assertTrue(difference.pointer().endsWith("\u2026"), difference.pointer());
    }

    @Test
    void nestingDeeperThanTheDiffReadsIsLeftUncompared() {
        int depth = 990; // the request parser allows 1000 levels
        String before = "[".repeat(depth) + "1" + "]".repeat(depth);
        String after = "[".repeat(depth) + "2" + "]".repeat(depth);
        JsonDiff.Result result = JsonDiff.between(json(before), json(after));
        assertEquals(List.of(), result.differences());
        assertTrue(result.partial());
        String shallow = "[".repeat(JsonDiff.MAX_DEPTH) + "1" + "]".repeat(JsonDiff.MAX_DEPTH);
        assertEquals(1, JsonDiff.between(json(shallow), json(shallow.replace('1', '2'))).total(),
                JsonDiff.MAX_DEPTH + " levels are compared");
    }

    @Test
    void theValuesVisitedAreBoundedAndWhatLiesPastIsLeftUncompared() {
        String before = "[" + "1,".repeat(99_999) + "1]";
        String after = "[" + "2,".repeat(99_999) + "2]";
        JsonDiff.Result result = JsonDiff.between(json(before), json(after));
        assertTrue(result.total() < JsonDiff.DEFAULT_VALUES, result.total() + " differences found");
        assertEquals(JsonDiff.DEFAULT_LIMIT, result.differences().size());
        assertTrue(result.partial());
        assertEquals(JsonDiff.DEFAULT_VALUES, result.visited());
        JsonDiff.Result small = JsonDiff.between(json("{\"a\":[1,2],\"b\":3}"), json("{\"a\":[1,2],\"b\":3}"));
        assertFalse(small.partial());
        assertEquals(9, small.visited(), "the root, its fields on both sides (4), their values (2), the array's elements (2)");
    }

    @Test
    void anObjectWithMoreFieldsThanTheBudgetIsNotListed() {
        StringBuilder wide = new StringBuilder("{");
        for (int i = 0; i < 30_000; i++) {
            wide.append(i == 0 ? "" : ",").append("\"f").append(i).append("\":").append(i);
        }
        JsonDiff.Result result = JsonDiff.between(json("{}"), json(wide + "}"));
        assertTrue(result.partial());
        assertTrue(result.total() < JsonDiff.DEFAULT_VALUES);
    }

    @Test
    void nestedAndEscapedIgnoredPointersAreLeftOutExactly() {
        JsonDiff.Result result = JsonDiff.between(
                json("{\"messages\":[{\"name\":\"a\",\"c\":1},{\"name\":\"a\"}],\"a/b\":1,\"ab\":1}"),
                json("{\"messages\":[{\"name\":\"b\",\"c\":1},{\"name\":\"b\"}],\"a/b\":2,\"ab\":2}"),
                List.of("/messages/0/name", "/a~1b"), JsonDiff.DEFAULT_LIMIT);
        assertEquals(List.of(new Difference("/ab", "1", "2"), new Difference("/messages/1/name", "\"a\"", "\"b\"")),
                result.differences());
    }

    @Test
    void withALimitOfNoneEveryDifferenceIsCountedAsWithAnyLimit() throws Exception {
        com.fasterxml.jackson.databind.JsonNode before = new com.fasterxml.jackson.databind.ObjectMapper().readTree(
                "{\"a\":1,\"b\":[1,2,3],\"c\":{\"d\":\"x\",\"e\":true},\"f\":\"long text\"}");
        com.fasterxml.jackson.databind.JsonNode after = new com.fasterxml.jackson.databind.ObjectMapper().readTree(
                "{\"a\":2,\"b\":[1,5],\"c\":{\"d\":\"y\"},\"g\":null}");
        for (int values : new int[] {3, 8, 1000}) {
            JsonDiff.Result listed = JsonDiff.between(before, after, java.util.List.of("/c/e"), JsonDiff.DEFAULT_LIMIT, values);
            JsonDiff.Result counted = JsonDiff.between(before, after, java.util.List.of("/c/e"), 0, values);
            org.junit.jupiter.api.Assertions.assertEquals(java.util.List.of(), counted.differences());
            org.junit.jupiter.api.Assertions.assertEquals(listed.total(), counted.total(), "values " + values);
            org.junit.jupiter.api.Assertions.assertEquals(listed.partial(), counted.partial(), "values " + values);
            org.junit.jupiter.api.Assertions.assertEquals(listed.visited(), counted.visited(), "values " + values);
        }
    }
}
