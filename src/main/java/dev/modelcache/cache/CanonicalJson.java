package dev.modelcache.cache;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * One spelling for equal JSON documents: object keys sorted, no insignificant whitespace, strings as Jackson parsed
 * them. Two SDKs that send the same request with fields in another order therefore share an entry. Array order is
 * kept: it is meaningful (messages, tools).
 *
 * <p>Numbers are spelled by their exact value: an integer as its digits, a number with a fraction or an exponent
 * (parsed as a {@link BigDecimal}, see {@code JsonParsers.REQUEST}) without trailing zeros and always with a
 * {@code .} or an exponent, so {@code 0.70} and {@code 0.7} share a spelling while {@code 1.0} and {@code 1} do not.
 * No two different values share one: {@code 1e400} stays {@code 1E+400}, never the string {@code "Infinity"}. A
 * non-finite double (only in a tree built by hand) is written as a bare token, never as a string.</p>
 */
public final class CanonicalJson {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final LongAdder RUNS = new LongAdder();

    private CanonicalJson() {
    }

    /**
     * Documents spelled by {@link #bytes} since start, in this JVM: a repeated request whose plan is remembered
     * ({@code proxy/PlanMemo}) spells none, so its key costs no canonical form.
     */
    public static long runs() {
        return RUNS.sum();
    }

    public static byte[] bytes(JsonNode node) {
        RUNS.increment();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator generator = JSON.createGenerator(out)) {
            write(node, generator);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Writes {@code node} in canonical form to {@code out} (which may pretty-print: the record file does). */
    public static void write(JsonNode node, JsonGenerator out) throws IOException {
        if (node.isObject()) {
            List<String> names = new ArrayList<>();
            Iterator<String> it = node.fieldNames();
            it.forEachRemaining(names::add);
            names.sort(null);
            out.writeStartObject();
            for (String name : names) {
                out.writeFieldName(name);
                write(node.get(name), out);
            }
            out.writeEndObject();
        } else if (node.isArray()) {
            out.writeStartArray();
            for (JsonNode element : node) {
                write(element, out);
            }
            out.writeEndArray();
        } else if (node.isBigDecimal()) {
            out.writeNumber(decimal(node.decimalValue()));
        } else if (node.isFloatingPointNumber()) {
            double value = node.doubleValue();
            if (Double.isFinite(value)) {
                out.writeNumber(decimal(node.decimalValue()));
            } else {
                out.writeRawValue(Double.toString(value));
            }
        } else {
            out.writeTree(node);
        }
    }

    static String decimal(BigDecimal value) {
        String text = value.signum() == 0 ? "0" : stripped(value).toString();
        return text.indexOf('.') < 0 && text.indexOf('E') < 0 ? text + ".0" : text;
    }

    /**
     * {@code value} without trailing zeros, as far as a scale can go: {@code 100e2147483647} cannot lose both zeros
     * (its scale would pass {@link Integer#MIN_VALUE}, and {@link BigDecimal#stripTrailingZeros()} throws), so it
     * keeps as few as it must, the same for every spelling of that value. Zero stays as it is.
     */
    public static BigDecimal stripped(BigDecimal value) {
        if (value.signum() == 0) {
            return value;
        }
        try {
            return value.stripTrailingZeros();
        } catch (ArithmeticException scaleOverflow) {
            return value.setScale(Integer.MIN_VALUE, RoundingMode.UNNECESSARY);
        }
    }
}
