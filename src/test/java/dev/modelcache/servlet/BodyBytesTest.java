package dev.modelcache.servlet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** What a request body costs while it arrives: a declared body one array of its length, a chunked one a growing one. */
class BodyBytesTest {
    private static final byte[] BODY = "{\"model\":\"gpt-4o-mini\",\"messages\":[]}".getBytes(StandardCharsets.UTF_8);

    /** Gives at most {@code step} bytes a read, as a network does. */
    private static InputStream trickle(byte[] bytes, int step) {
        return new FilterInputStream(new ByteArrayInputStream(bytes)) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return super.read(b, off, Math.min(len, step));
            }
        };
    }

    private static byte[] readAll(BodyBytes body, InputStream in) throws IOException {
        while (body.readFrom(in) != -1) {
            // Read on.
        }
        return body.bytes();
    }

    @Test
    void aDeclaredBodyIsReadIntoOneArrayOfItsLengthAndHandedOnAsItIs() throws IOException {
        BodyBytes body = new BodyBytes(BODY.length, 1 << 20);
        assertEquals(BODY.length, body.capacity(), "no 16 KiB read buffer for a small body");
        byte[] read = readAll(body, trickle(BODY, 7));
        assertArrayEquals(BODY, read);
        assertEquals(BODY.length, body.capacity());
        assertSame(read, body.bytes(), "no copy at the end");
    }

    @Test
    void aChunkedBodyGrowsAsItComesAndIsCutToItsSize() throws IOException {
        byte[] big = new byte[5000];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) i;
        }
        BodyBytes body = new BodyBytes(-1, 1 << 20);
        assertEquals(BodyBytes.CHUNKED_START_BYTES, body.capacity());
        assertArrayEquals(big, readAll(body, trickle(big, 999)));
        assertArrayEquals(BODY, readAll(new BodyBytes(-1, 1 << 20), trickle(BODY, 3)));
    }

    @Test
    void aChunkedBodyPastTheLimitShowsOneByteTooManyAndGrowsNoFurther() throws IOException {
        BodyBytes body = new BodyBytes(-1, 2000);
        InputStream in = trickle(new byte[10_000], 512);
        while (body.size() <= 2000) {
            body.readFrom(in);
        }
        assertEquals(2001, body.size());
        assertTrue(body.capacity() <= 2001, "capacity " + body.capacity());
    }

    @Test
    void moreThanDeclaredIsKeptNotLost() throws IOException {
        BodyBytes body = new BodyBytes(4, 100);
        assertArrayEquals("abcdef".getBytes(StandardCharsets.US_ASCII),
                readAll(body, trickle("abcdef".getBytes(StandardCharsets.US_ASCII), 4)));
    }
}
