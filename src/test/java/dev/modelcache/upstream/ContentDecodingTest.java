package dev.modelcache.upstream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelcache.http.Headers;
import dev.modelcache.support.Encodings;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ContentDecodingTest {
    private static final byte[] PLAIN = "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\"}".repeat(50)
            .getBytes(StandardCharsets.UTF_8);

    private static byte[] decode(byte[] body, String contentEncoding) throws IOException {
        List<String> codings = ContentDecoding.codings(Headers.of("Content-Encoding", contentEncoding));
        try (InputStream in = ContentDecoding.decode(new ByteArrayInputStream(body), codings)) {
            return in.readAllBytes();
        }
    }

    @Test
    void gzipDeflateInBothWrappingsAndBrotliAreUndone() throws IOException {
        assertArrayEquals(PLAIN, decode(Encodings.gzip(PLAIN), "gzip"));
        assertArrayEquals(PLAIN, decode(Encodings.gzip(PLAIN), "X-GZIP"));
        assertArrayEquals(PLAIN, decode(Encodings.zlib(PLAIN), "deflate"));
        assertArrayEquals(PLAIN, decode(Encodings.rawDeflate(PLAIN), "deflate"));
        assertArrayEquals(PLAIN, decode(Encodings.brotli(PLAIN), "br"));
    }

    @Test
    void stackedCodingsAreUndoneLastAppliedFirst() throws IOException {
        assertArrayEquals(PLAIN, decode(Encodings.brotli(Encodings.gzip(PLAIN)), "gzip, br"));
        assertEquals(List.of("gzip", "br"), ContentDecoding.codings(Headers.of("Content-Encoding", "gzip", "Content-Encoding", "br")));
    }

    @Test
    void identityIsNoCodingAndAnUnknownCodingIsNotDecodable() {
        assertEquals(List.of(), ContentDecoding.codings(Headers.of("Content-Encoding", "identity")));
        assertFalse(ContentDecoding.decodable(List.of()));
        assertTrue(ContentDecoding.decodable(List.of("gzip", "br")));
        assertFalse(ContentDecoding.decodable(List.of("zstd")));
        assertFalse(ContentDecoding.decodable(List.of("gzip", "zstd")));
    }

    @Test
    void anEmptyBodyStaysEmpty() throws IOException {
        assertArrayEquals(new byte[0], decode(new byte[0], "gzip"));
        assertArrayEquals(new byte[0], decode(new byte[0], "deflate"));
        assertArrayEquals(new byte[0], decode(new byte[0], "br"));
    }

    @Test
    void aBodyCutShortFailsInsteadOfEndingCleanly() {
        for (byte[] whole : List.of(Encodings.gzip(PLAIN), Encodings.zlib(PLAIN), Encodings.rawDeflate(PLAIN))) {
            byte[] cut = Arrays.copyOf(whole, whole.length / 2);
            assertThrows(IOException.class, () -> decode(cut, whole == null ? "" : codingOf(whole)));
        }
        byte[] brotli = Encodings.brotli(PLAIN);
        assertThrows(IOException.class, () -> decode(Arrays.copyOf(brotli, brotli.length / 2), "br"));
    }

    private static String codingOf(byte[] body) {
        return (body[0] & 0xff) == 0x1f && (body[1] & 0xff) == 0x8b ? "gzip" : "deflate";
    }

    @Test
    void theDecodedHeadersDropTheCodingAndTheEncodedLength() {
        Headers decoded = ContentDecoding.decodedHeaders(Headers.of("Content-Type", "application/json",
                "content-encoding", "gzip", "Content-Length", "120", "x-request-id", "req_1"));
        assertEquals(List.of("Content-Type", "x-request-id"), decoded.fields().stream().map(java.util.Map.Entry::getKey).toList());
    }
}
