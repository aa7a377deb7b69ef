package dev.modelcache.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;

/** Content codings a provider's CDN may apply, for fakes to answer with. */
public final class Encodings {
    private Encodings() {
    }

    public static byte[] gzip(byte[] plain) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(plain);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** {@code deflate} as RFC 9110 means it: zlib-wrapped (RFC 1950). */
    public static byte[] zlib(byte[] plain) {
        return deflate(plain, false);
    }

    /** {@code deflate} as some servers send it: the raw stream without the zlib wrapper. */
    public static byte[] rawDeflate(byte[] plain) {
        return deflate(plain, true);
    }

    private static byte[] deflate(byte[] plain, boolean raw) {
        Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, raw);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (DeflaterOutputStream deflate = new DeflaterOutputStream(out, deflater)) {
            deflate.write(plain);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            deflater.end();
        }
        return out.toByteArray();
    }

    /**
     * A valid brotli stream (RFC 7932) made of uncompressed meta-blocks: no brotli encoder is at hand in Java, and a
     * decoder must read these like any other.
     */
    public static byte[] brotli(byte[] plain) {
        Bits bits = new Bits();
        bits.write(0, 1); // WBITS = 16
        for (int from = 0; from < plain.length; from += 65536) {
            int length = Math.min(65536, plain.length - from);
            bits.write(0, 1); // ISLAST = 0
            bits.write(0, 2); // MNIBBLES = 4
            bits.write(length - 1, 16); // MLEN - 1
            bits.write(1, 1); // ISUNCOMPRESSED
            bits.align();
            bits.out.write(plain, from, length);
        }
        bits.write(1, 1); // ISLAST
        bits.write(1, 1); // ISLASTEMPTY
        bits.align();
        return bits.out.toByteArray();
    }

    /** Writes bits least significant first, as brotli packs them. */
    private static final class Bits {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        int current;
        int used;

        void write(int value, int count) {
            for (int i = 0; i < count; i++) {
                current |= ((value >>> i) & 1) << used;
                if (++used == 8) {
                    align();
                }
            }
        }

        void align() {
            if (used > 0) {
                out.write(current);
                current = 0;
                used = 0;
            }
        }
    }
}
