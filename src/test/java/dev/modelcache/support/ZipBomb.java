package dev.modelcache.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Small zips that inflate to a lot: each entry is {@code prefix} followed by {@code zeros} zero bytes, deflated at
 * the best compression (about 1 KB per MiB of zeros, so 1 GiB of zeros takes about 1 MB). Built without deflating
 * the zeros themselves: one MiB of zeros is deflated once, ending in a full flush (so it starts no differently than
 * the stream did), and that block is repeated; the whole costs milliseconds and a megabyte of memory, never the
 * gigabyte it inflates to. An entry may declare sizes in its local header that are not its own.
 */
public final class ZipBomb {
    private static final int MIB = 1 << 20;
    private final List<Entry> entries = new ArrayList<>();

    private record Entry(String name, byte[] prefix, long zeros, long declaredSize) {
    }

    /** Adds an entry whose sizes follow its data (a data descriptor, as ZipOutputStream writes them). */
    public ZipBomb add(String name, byte[] prefix, long zeros) {
        entries.add(new Entry(name, prefix, zeros, -1));
        return this;
    }

    /** Adds an entry whose local header declares {@code declaredSize} inflated bytes (and no data descriptor). */
    public ZipBomb addDeclaring(String name, byte[] prefix, long zeros, long declaredSize) {
        entries.add(new Entry(name, prefix, zeros, declaredSize));
        return this;
    }

    public byte[] bytes() throws IOException {
        ByteArrayOutputStream zip = new ByteArrayOutputStream();
        ByteArrayOutputStream central = new ByteArrayOutputStream();
        for (Entry entry : entries) {
            byte[] name = entry.name().getBytes(StandardCharsets.UTF_8);
            byte[] data = deflated(entry.prefix(), entry.zeros());
            long size = entry.prefix().length + entry.zeros();
            long crc = crc(entry.prefix(), entry.zeros());
            boolean descriptor = entry.declaredSize() < 0;
            long declared = descriptor ? 0 : entry.declaredSize();
            int offset = zip.size();
            zip.write(le(ByteBuffer.allocate(30 + name.length)).putInt(0x04034b50).putShort((short) 20)
                    .putShort((short) (descriptor ? 8 : 0)).putShort((short) 8).putInt(0)
                    .putInt(descriptor ? 0 : (int) crc).putInt(descriptor ? 0 : data.length).putInt((int) declared)
                    .putShort((short) name.length).putShort((short) 0).put(name).array());
            zip.write(data);
            if (descriptor) {
                zip.write(le(ByteBuffer.allocate(16)).putInt(0x08074b50).putInt((int) crc).putInt(data.length)
                        .putInt((int) size).array());
            }
            central.write(le(ByteBuffer.allocate(46 + name.length)).putInt(0x02014b50).putShort((short) 20)
                    .putShort((short) 20).putShort((short) (descriptor ? 8 : 0)).putShort((short) 8).putInt(0)
                    .putInt((int) crc).putInt(data.length).putInt((int) (descriptor ? size : declared))
                    .putShort((short) name.length).putShort((short) 0).putShort((short) 0).putShort((short) 0)
                    .putShort((short) 0).putInt(0).putInt(offset).put(name).array());
        }
        int centralAt = zip.size();
        zip.write(central.toByteArray());
        zip.write(le(ByteBuffer.allocate(22)).putInt(0x06054b50).putShort((short) 0).putShort((short) 0)
                .putShort((short) entries.size()).putShort((short) entries.size()).putInt(central.size())
                .putInt(centralAt).putShort((short) 0).array());
        return zip.toByteArray();
    }

    /** {@code prefix} then {@code zeros} zero bytes as one raw deflate stream. */
    private static byte[] deflated(byte[] prefix, long zeros) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(flushed(prefix));
        byte[] mib = flushed(new byte[MIB]);
        for (long i = 0; i < zeros / MIB; i++) {
            out.writeBytes(mib);
        }
        out.writeBytes(flushed(new byte[(int) (zeros % MIB)]));
        Deflater end = new Deflater(Deflater.BEST_COMPRESSION, true);
        end.finish();
        byte[] buffer = new byte[64];
        while (!end.finished()) {
            out.write(buffer, 0, end.deflate(buffer));
        }
        end.end();
        return out.toByteArray();
    }

    /** {@code bytes} deflated by a fresh deflater, ending in a full flush: blocks that can follow any others. */
    private static byte[] flushed(byte[] bytes) {
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
        deflater.setInput(bytes);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[64 * 1024];
        int n;
        do {
            n = deflater.deflate(buffer, 0, buffer.length, Deflater.FULL_FLUSH);
            out.write(buffer, 0, n);
        } while (n == buffer.length || !deflater.needsInput());
        deflater.end();
        return out.toByteArray();
    }

    private static long crc(byte[] prefix, long zeros) {
        CRC32 crc = new CRC32();
        crc.update(prefix);
        byte[] mib = new byte[MIB];
        for (long left = zeros; left > 0; left -= MIB) {
            crc.update(mib, 0, (int) Math.min(MIB, left));
        }
        return crc.getValue();
    }

    private static ByteBuffer le(ByteBuffer buffer) {
        return buffer.order(ByteOrder.LITTLE_ENDIAN);
    }
}
