package dev.modelcache.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.modelcache.cache.CanonicalJson;
import java.math.BigDecimal;

/**
 * Short renderings for a miss explanation, which a person reads in a response header or a log line: a JSON value
 * in a few dozen characters, a free-form string (a header value, a namespace) likewise, and any text made fit for
 * an HTTP header (printable ASCII only, bounded). The explanation must never grow with the request it explains.
 */
final class ShortText {
    /** The rendering of a value one side does not have. */
    static final String ABSENT = "(absent)";
    /** Characters of a string kept before it is cut with an ellipsis. */
    static final int MAX_STRING = 40;
    /** Characters of a free-form string kept in a one-line summary, where several must fit in 200. */
    static final int MAX_BRIEF = 16;
    /** The ellipsis that marks a cut value; {@link #ascii} turns it into three dots. */
    static final String ELLIPSIS = "\u2026";

    private ShortText() {
    }

    /**
     * A JSON value in short: a scalar as its JSON text (a string quoted and cut to {@value #MAX_STRING}
     * characters), an object as <code>{…}</code>, an array as {@code […]} (empty ones as <code>{}</code> and
     * {@code []}), a missing value (null or a missing node) as {@value #ABSENT}.
     */
    static String value(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            return ABSENT;
        }
        if (node.isObject()) {
            return node.isEmpty() ? "{}" : "{" + ELLIPSIS + "}";
        }
        if (node.isArray()) {
            return node.isEmpty() ? "[]" : "[" + ELLIPSIS + "]";
        }
        if (node.isTextual()) {
            String text = node.textValue();
            return text.length() <= MAX_STRING ? node.toString() : TextNode.valueOf(cut(text, MAX_STRING)).toString();
        }
        boolean finite = node.isBigDecimal() || Double.isFinite(node.doubleValue());
        if (node.isNumber() && !node.isIntegralNumber() && finite) {
            return cut(decimal(node.decimalValue()), MAX_STRING);
        }
        return cut(node.toString(), MAX_STRING);
    }

    /**
     * A number with a fraction or an exponent by its value, always with a {@code .} or an exponent, as the key's
     * canonical form tells it from an integer: {@code 0.70} as {@code 0.7}, {@code 1.0} as {@code 1.0} (not
     * {@code 1}), in plain digits while that is short ({@code 100.0}), else in scientific notation ({@code 1E+400}).
     *
     * <p>The length of the plain digits is worked out from the precision and scale before any digit is written:
     * {@code 1e999999999} has a billion of them, and a request that holds it must not cost a billion characters
     * (the scientific form has at most the parser's 1000 digits and an exponent).</p>
     */
    static String decimal(BigDecimal value) {
        BigDecimal stripped = value.signum() == 0 ? BigDecimal.ZERO : CanonicalJson.stripped(value);
        String text = plainLength(stripped) <= MAX_STRING ? stripped.toPlainString() : stripped.toString();
        return text.indexOf('.') < 0 && text.indexOf('E') < 0 ? text + ".0" : text;
    }

    /** The characters {@link BigDecimal#toPlainString()} would write, without writing them. */
    static long plainLength(BigDecimal value) {
        long precision = value.precision();
        long scale = value.scale();
        long digits = scale <= 0 ? precision - scale : Math.max(precision, scale + 1) + 1;
        return digits + (value.signum() < 0 ? 1 : 0);
    }

    /**
     * A free-form string (a header value, a namespace, a query) in single quotes, cut like a JSON string, control
     * characters as {@code ?}; {@code none} when it is null or empty.
     */
    static String quoted(String text, String none) {
        return quoted(text, none, MAX_STRING);
    }

    /** {@link #quoted(String, String)} cut to {@code max} characters: {@link #MAX_BRIEF} for a summary. */
    static String quoted(String text, String none, int max) {
        if (text == null || text.isEmpty()) {
            return none;
        }
        return "'" + cut(text, max).replaceAll("\\p{Cntrl}", "?") + "'";
    }

    /**
     * {@code text} at most {@code max} characters long: longer text keeps its first {@code max - 1} characters and
     * ends with an ellipsis, never splitting a surrogate pair.
     */
    static String cut(String text, int max) {
        if (text.length() <= max) {
            return text;
        }
        int end = max - 1;
        if (end > 0 && Character.isHighSurrogate(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(0, end) + ELLIPSIS;
    }

    /**
     * {@code text} fit for an HTTP header value: the ellipsis as three dots, every other character outside
     * printable ASCII (a control character, a line break, any non-ASCII letter) as {@code ?}, and at most
     * {@code max} characters, ending in {@code ...} when cut.
     */
    static String ascii(String text, int max) {
        StringBuilder out = new StringBuilder(Math.min(text.length(), max + 3));
        for (int i = 0; i < text.length() && out.length() <= max; ) {
            int c = text.codePointAt(i);
            i += Character.charCount(c);
            if (c == ELLIPSIS.codePointAt(0)) {
                out.append("...");
            } else {
                out.append(c >= 0x20 && c < 0x7f ? (char) c : '?');
            }
        }
        String ascii = out.toString().strip();
        return ascii.length() <= max ? ascii : ascii.substring(0, max - 3).stripTrailing() + "...";
    }
}
