package dev.modelcache.upstream;

import dev.modelcache.http.Headers;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;
import org.brotli.dec.BrotliInputStream;

/**
 * Undoes a {@code Content-Encoding} the provider (or its CDN) applied although the proxy asked for none, so that
 * every client, the token counters and the cache see the same plain bytes: {@code gzip}, {@code deflate} (zlib
 * wrapped, or raw as some servers send it) and {@code br}. An answer in any other coding is left as it came.
 *
 * <p>Each of these formats marks its own end and fails when cut short, so a decoded body is framed whatever the
 * transfer framing was.</p>
 */
final class ContentDecoding {
    private static final Set<String> DECODABLE = Set.of("gzip", "x-gzip", "deflate", "br");

    private ContentDecoding() {
    }

    /** The codings named in {@code Content-Encoding}, in the order they were applied, without {@code identity}. */
    static List<String> codings(Headers headers) {
        List<String> codings = new ArrayList<>();
        for (String token : headers.joined("Content-Encoding").split(",")) {
            String coding = token.trim().toLowerCase(Locale.ROOT);
            if (!coding.isEmpty() && !coding.equals("identity")) {
                codings.add(coding);
            }
        }
        return codings;
    }

    /** True when every coding can be undone here (and there is at least one). */
    static boolean decodable(List<String> codings) {
        return !codings.isEmpty() && DECODABLE.containsAll(codings);
    }

    /** The headers of the decoded answer: no {@code Content-Encoding}, and no {@code Content-Length}, which was the encoded size. */
    static Headers decodedHeaders(Headers headers) {
        return headers.filter(name -> !name.equalsIgnoreCase("Content-Encoding") && !name.equalsIgnoreCase("Content-Length"));
    }

    /** The body with the codings undone, last applied first. An empty body stays empty. */
    static InputStream decode(InputStream body, List<String> codings) throws IOException {
        InputStream in = body;
        for (int i = codings.size() - 1; i >= 0; i--) {
            PushbackInputStream peek = new PushbackInputStream(in, 2);
            int first = peek.read();
            if (first < 0) {
                return InputStream.nullInputStream();
            }
            int second = peek.read();
            if (second >= 0) {
                peek.unread(second);
            }
            peek.unread(first);
            in = switch (codings.get(i)) {
                case "gzip", "x-gzip" -> new GZIPInputStream(peek, 8192);
                case "deflate" -> new Inflating(peek, new Inflater(!isZlibHeader(first, second)));
                // org.brotli:dec 0.1.2 loses data when single-byte reads are mixed with array reads: buffer them.
                case "br" -> new BufferedInputStream(new BrotliInputStream(peek));
                default -> throw new IllegalArgumentException("not decodable: " + codings.get(i));
            };
        }
        return in;
    }

    /** RFC 1950: compression method 8 (deflate) in the low nibble, and the two bytes a multiple of 31. */
    private static boolean isZlibHeader(int first, int second) {
        return second >= 0 && (first & 0x0F) == 8 && ((first << 8) | second) % 31 == 0;
    }

    /** An inflating stream that frees its own inflater when closed. */
    private static final class Inflating extends InflaterInputStream {
        private final Inflater inflater;

        Inflating(InputStream in, Inflater inflater) {
            super(in, inflater, 8192);
            this.inflater = inflater;
        }

        @Override
        public void close() throws IOException {
            try {
                super.close();
            } finally {
                inflater.end();
            }
        }
    }
}
