package dev.modelcache.fuzz;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * Structure-aware JSON for the fuzzers: a small document tree ({@link J}) that can be written in many spellings of
 * the same value (keys in another order, other whitespace, {@code 0.7} as {@code 0.70} or {@code 7E-1}, characters
 * as {@code \\u} escapes), and raw texts that are hostile to a parser (numbers such as {@code 1e999999999}, deep
 * nesting, long strings, unpaired surrogates, duplicate keys, cut documents).
 */
final class JsonGen {
    private JsonGen() {
    }

    /** A JSON value. Object members keep their order; names are unique within an object. */
    sealed interface J permits Num, Str, Lit, Arr, Obj {
    }

    /** A number: an integer's digits, or a decimal's exact value written with a fraction or an exponent. */
    record Num(BigDecimal value, boolean integer) implements J {
    }

    record Str(String value) implements J {
    }

    /** {@code true}, {@code false} or {@code null}. */
    record Lit(String text) implements J {
    }

    record Arr(List<J> elements) implements J {
    }

    record Obj(Map<String, J> members) implements J {
    }

    // ---- values ----

    static Arbitrary<String> strings() {
        // Long strings are a short random piece repeated: jqwik builds a generated string char by char, which for
        // thousands of chars costs more than the code under test.
        Arbitrary<String> long_ = Combinators.combine(Arbitraries.strings().all().ofMinLength(1).ofMaxLength(8),
                Arbitraries.integers().between(200, 5000)).as(String::repeat);
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, Arbitraries.strings().alpha().ofMaxLength(8)),
                net.jqwik.api.Tuple.of(3, Arbitraries.strings().all().ofMaxLength(12)), // unpaired surrogates too
                net.jqwik.api.Tuple.of(2, Arbitraries.strings().withChars("\"\\/\b\f\n\r\t\u0000\u001f\u2028\u00e9\u4e2d").ofMaxLength(6)),
                net.jqwik.api.Tuple.of(3, Arbitraries.of("model", "temperature", "messages", "stream", "user", "metadata",
                        "\ud83d\ude00", "")),
                net.jqwik.api.Tuple.of(1, long_));
    }

    static Arbitrary<Num> numbers() {
        Arbitrary<Num> integers = Arbitraries.oneOf(Arbitraries.longs(), Arbitraries.bigIntegers()
                        .between(BigInteger.TEN.pow(30).negate(), BigInteger.TEN.pow(30)))
                .map(n -> new Num(new BigDecimal(n.toString()), true));
        Arbitrary<Num> decimals = Combinators.combine(Arbitraries.longs().between(-99_999, 99_999),
                        Arbitraries.oneOf(Arbitraries.integers().between(-12, 12),
                                Arbitraries.of(999_999_999, -999_999_999, 400, -400, 308, 309, -324, -325)))
                .as((unscaled, scale) -> new Num(BigDecimal.valueOf(unscaled, scale), false));
        return Arbitraries.oneOf(integers, decimals);
    }

    static Arbitrary<J> values(int depth) {
        Arbitrary<J> scalars = Arbitraries.oneOf(numbers().map(n -> (J) n), strings().map(Str::new),
                Arbitraries.of("true", "false", "null").map(Lit::new));
        if (depth == 0) {
            return scalars;
        }
        Arbitrary<J> arrays = values(depth - 1).list().ofMaxSize(4).map(Arr::new);
        Arbitrary<J> objects = Combinators.combine(strings(), values(depth - 1)).as(Map::entry).list().ofMaxSize(5)
                .map(entries -> {
                    Map<String, J> members = new LinkedHashMap<>();
                    entries.forEach(e -> members.putIfAbsent(e.getKey(), e.getValue()));
                    return new Obj(members);
                });
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(4, scalars),
                net.jqwik.api.Tuple.of(2, arrays),
                net.jqwik.api.Tuple.of(3, objects));
    }

    /** A request body: an object that often names a model and other fields a provider reads. */
    static Arbitrary<J> bodies() {
        Arbitrary<List<Map.Entry<String, J>>> members = Combinators.combine(strings(), values(2)).as(Map::entry)
                .list().ofMaxSize(5);
        return Combinators.combine(members, Arbitraries.of("gpt-4o", "gpt-4o-mini", "o3", "text-embedding-3-small"),
                        numbers(), Arbitraries.of(true, false))
                .as((entries, model, temperature, stream) -> {
                    Map<String, J> body = new LinkedHashMap<>();
                    body.put("model", new Str(model));
                    body.put("temperature", temperature);
                    entries.forEach(e -> body.putIfAbsent(e.getKey(), e.getValue()));
                    if (stream) {
                        body.putIfAbsent("stream", new Lit("true"));
                    }
                    return (J) new Obj(body);
                });
    }

    // ---- writing ----

    /** The canonical-looking spelling: members in order, no spaces, numbers as BigDecimal writes them. */
    static String write(J value) {
        return write(value, null);
    }

    /**
     * Another spelling of the same value, chosen by {@code seed}: keys shuffled, whitespace, a number's other
     * spellings, characters escaped. {@code null} gives the plain spelling.
     */
    static String write(J value, Long seed) {
        StringBuilder out = new StringBuilder();
        write(value, seed == null ? null : new Random(seed), out);
        return out.toString();
    }

    private static void write(J value, Random random, StringBuilder out) {
        space(random, out);
        if (value instanceof Num n) {
            out.append(number(n, random));
        } else if (value instanceof Str s) {
            string(s.value(), random, out);
        } else if (value instanceof Lit l) {
            out.append(l.text());
        } else if (value instanceof Arr a) {
            out.append('[');
            for (int i = 0; i < a.elements().size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                write(a.elements().get(i), random, out);
            }
            space(random, out);
            out.append(']');
        } else {
            List<Map.Entry<String, J>> members = new ArrayList<>(((Obj) value).members().entrySet());
            if (random != null) {
                java.util.Collections.shuffle(members, random);
            }
            out.append('{');
            for (int i = 0; i < members.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                space(random, out);
                string(members.get(i).getKey(), random, out);
                space(random, out);
                out.append(':');
                write(members.get(i).getValue(), random, out);
            }
            space(random, out);
            out.append('}');
        }
        space(random, out);
    }

    private static void space(Random random, StringBuilder out) {
        if (random != null && random.nextInt(4) == 0) {
            out.append(" \t\n\r".charAt(random.nextInt(4)));
        }
    }

    private static String number(Num n, Random random) {
        if (n.integer()) {
            return n.value().toBigIntegerExact().toString(); // an integer has one spelling that stays an integer
        }
        BigDecimal v = n.value();
        String plain = v.toString();
        if (random == null) {
            return plain.contains(".") || plain.contains("E") ? plain : plain + ".0";
        }
        return switch (random.nextInt(5)) {
            case 0 -> v.unscaledValue() + "E" + (-v.scale()); // 7E-1; an integer exponent form is still a decimal
            case 1 -> v.unscaledValue() + "e" + (v.scale() <= 0 ? "+" : "") + (-v.scale());
            case 2 -> Math.abs(v.scale()) < 40 ? v.setScale(Math.max(v.scale(), 0) + 1 + random.nextInt(3)).toPlainString()
                    : plain.contains(".") || plain.contains("E") ? plain : plain + ".0";
            case 3 -> plain.replace('E', 'e').contains(".") || plain.contains("E") ? plain.replace('E', 'e') : plain + ".00";
            default -> plain.contains(".") || plain.contains("E") ? plain : plain + ".0";
        };
    }

    private static void string(String value, Random random, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean escape = c == '"' || c == '\\' || c < 0x20 || Character.isSurrogate(c)
                    || random != null && random.nextInt(8) == 0;
            if (escape) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        out.append('"');
    }

    // ---- hostile texts ----

    /** Texts that need not be JSON at all: what a hostile client sends as a body. */
    static Arbitrary<String> hostileTexts() {
        Arbitrary<String> hostileNumbers = Arbitraries.of("1e999999999", "-1e999999999", "1e-999999999",
                        "1E+2147483647", "1e2147483648", "0e99999999999", "-0", "-0.0", "1" + "0".repeat(999),
                        "1" + "0".repeat(1001), "0." + "0".repeat(1000) + "1", "NaN", "Infinity", "-Infinity",
                        "01", "1.", ".5", "+1", "0x10", "1e", "9223372036854775808", "-9223372036854775809",
                        "4.9e-324", "1.7976931348623157e309")
                .map(n -> "{\"model\":\"gpt-4o\",\"temperature\":" + n + ",\"messages\":[]}");
        Arbitrary<String> deep = Combinators.combine(Arbitraries.integers().between(1, 3000),
                        Arbitraries.of("[", "{\"a\":"))
                .as((depth, open) -> open.repeat(depth) + "1" + (open.equals("[") ? "]" : "}").repeat(depth));
        Arbitrary<String> duplicates = Combinators.combine(strings(), values(1), values(1))
                .as((name, a, b) -> "{\"model\":\"gpt-4o\"," + quoted(name) + ":" + write(a) + "," + quoted(name)
                        + ":" + write(b) + "}");
        Arbitrary<String> valid = values(3).map(JsonGen::write);
        Arbitrary<String> cut = Combinators.combine(valid, Arbitraries.integers().between(0, 1000))
                .as((text, at) -> text.substring(0, Math.min(text.length(), at)));
        Arbitrary<String> spliced = Combinators.combine(valid, Arbitraries.strings().withChars("{}[]\":,\\ 0e-.")
                        .ofMaxLength(3), Arbitraries.integers().between(0, 200))
                .as((text, junk, at) -> {
                    int i = Math.min(text.length(), at);
                    return text.substring(0, i) + junk + text.substring(i);
                });
        return Arbitraries.oneOf(hostileNumbers, deep, duplicates, valid, cut, spliced,
                Arbitraries.strings().ofMaxLength(50), Corpus.textArbitrary("json"));
    }

    static String quoted(String name) {
        StringBuilder out = new StringBuilder();
        string(name, null, out);
        return out.toString();
    }
}
