package dev.modelcache.cache;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * A multipart body (an audio upload for a transcription) in a form that does not depend on its boundary. SDKs pick
 * a random boundary for every request, so the same upload would otherwise never be the same request twice. The
 * boundary is by definition a string that occurs nowhere in the content (RFC 2046 section 5.1.1), so replacing
 * each of its occurrences with a fixed one changes nothing else.
 */
final class MultipartBody {
    static final byte[] FIXED_BOUNDARY = "modelcache-boundary".getBytes(StandardCharsets.US_ASCII);

    private MultipartBody() {
    }

    /** The body with its boundary replaced; any other body, or one without a boundary parameter, as it is. */
    static byte[] withoutBoundary(String contentType, byte[] body) {
        String boundary = boundary(contentType);
        if (boundary == null) {
            return body;
        }
        return replace(body, ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1), concat("--", FIXED_BOUNDARY));
    }

    /** The {@code boundary} parameter of a {@code multipart/*} media type, unquoted; null when there is none. */
    static String boundary(String contentType) {
        String[] parts = contentType.split(";");
        if (!parts[0].trim().toLowerCase(Locale.ROOT).startsWith("multipart/")) {
            return null;
        }
        for (int i = 1; i < parts.length; i++) {
            String parameter = parts[i].trim();
            int eq = parameter.indexOf('=');
            if (eq > 0 && parameter.substring(0, eq).trim().equalsIgnoreCase("boundary")) {
                String value = parameter.substring(eq + 1).trim();
                if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                    value = value.substring(1, value.length() - 1);
                }
                return value.isEmpty() ? null : value;
            }
        }
        return null;
    }

    private static byte[] concat(String prefix, byte[] rest) {
        byte[] head = prefix.getBytes(StandardCharsets.US_ASCII);
        byte[] all = Arrays.copyOf(head, head.length + rest.length);
        System.arraycopy(rest, 0, all, head.length, rest.length);
        return all;
    }

    private static byte[] replace(byte[] body, byte[] target, byte[] replacement) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length);
        int i = 0;
        int copiedUpTo = 0;
        while (i <= body.length - target.length) {
            if (matchesAt(body, i, target)) {
                out.write(body, copiedUpTo, i - copiedUpTo);
                out.write(replacement, 0, replacement.length);
                i += target.length;
                copiedUpTo = i;
            } else {
                i++;
            }
        }
        out.write(body, copiedUpTo, body.length - copiedUpTo);
        return out.toByteArray();
    }

    private static boolean matchesAt(byte[] body, int offset, byte[] target) {
        for (int j = 0; j < target.length; j++) {
            if (body[offset + j] != target[j]) {
                return false;
            }
        }
        return true;
    }
}
