package dev.modelcache.store;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A stream that ends, as if its source did, after {@code limit} bytes, and tells whether it cut the source short:
 * a parser reading from it reads no more than the limit, whatever the source holds.
 */
final class BoundedInput extends FilterInputStream {
    private long left;
    private boolean cut;

    BoundedInput(InputStream in, long limit) {
        super(in);
        this.left = limit;
    }

    /** True when a read was refused at the limit (the source may hold more). */
    boolean cut() {
        return cut;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (left <= 0) {
            cut = true;
            return -1;
        }
        int n = super.read(b, off, (int) Math.min(len, left));
        if (n > 0) {
            left -= n;
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        int step = (int) Math.min(Math.max(n, 0), 8192);
        int skipped = read(new byte[step], 0, step);
        return Math.max(skipped, 0);
    }

    @Override
    public int available() throws IOException {
        return (int) Math.min(super.available(), left);
    }

    @Override
    public boolean markSupported() {
        return false;
    }
}
