package dev.modelcache.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32C;

/**
 * An HTTP/1.1 client for thousands of concurrent streamed answers without a thread each: one {@code java.nio}
 * selector thread sends each request on its own connection, reads the answer (chunked, with a length, or to the
 * close), and per answer keeps a CRC-32C of the body and the count of server-sent events in it, and, when asked, the
 * {@link System#nanoTime()} at which each event was complete (the time of the read that brought its blank line).
 */
public final class StreamClient implements AutoCloseable {
    /** One answer: status, X-Cache, body CRC-32C and size, events and their arrival times, or why it failed. */
    public record Result(int status, String xCache, long crc, long bytes, int events, long startNanos,
                         long firstEventNanos, long[] eventNanos, String error) {
        public boolean ok() {
            return error == null && status == 200;
        }
    }

    private final boolean recordTimes;
    private final Selector selector;
    private final Thread loop;
    private final ConcurrentLinkedQueue<Call> opening = new ConcurrentLinkedQueue<>();
    private final AtomicInteger receiving = new AtomicInteger();
    private volatile boolean running = true;

    public StreamClient(boolean recordTimes) throws IOException {
        this.recordTimes = recordTimes;
        selector = Selector.open();
        loop = new Thread(this::run, "stream-client");
        loop.setDaemon(true);
        loop.start();
    }

    /** Answers whose head has arrived and whose body has not ended: the streams live right now. */
    public int receiving() {
        return receiving.get();
    }

    /** Sends {@code request} (whole, with {@code Connection: close}) to {@code address}; completes with its answer. */
    public CompletableFuture<Result> send(InetSocketAddress address, byte[] request, int maxEvents) {
        Call call = new Call(address, request, recordTimes ? new long[maxEvents] : null, receiving);
        opening.add(call);
        selector.wakeup();
        return call.future;
    }

    /** A POST of {@code body} to {@code path} on {@code host:port}, asking the server to close after the answer. */
    public static byte[] post(String host, int port, String path, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        String head = "POST " + path + " HTTP/1.1\r\nHost: " + host + ":" + port + "\r\nContent-Type: application/json\r\n"
                + "Authorization: Bearer sk-bench-not-a-real-key\r\nAccept: text/event-stream\r\nConnection: close\r\n"
                + "Content-Length: " + bytes.length + "\r\n\r\n";
        byte[] headBytes = head.getBytes(StandardCharsets.US_ASCII);
        byte[] all = Arrays.copyOf(headBytes, headBytes.length + bytes.length);
        System.arraycopy(bytes, 0, all, headBytes.length, bytes.length);
        return all;
    }

    private void run() {
        ByteBuffer buffer = ByteBuffer.allocateDirect(64 * 1024);
        byte[] scratch = new byte[64 * 1024];
        try {
            while (running) {
                selector.select(1000);
                long now = System.nanoTime();
                Call call;
                while ((call = opening.poll()) != null) {
                    open(call);
                }
                Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
                while (keys.hasNext()) {
                    SelectionKey key = keys.next();
                    keys.remove();
                    Call c = (Call) key.attachment();
                    try {
                        if (key.isValid() && key.isConnectable()) {
                            c.channel.finishConnect();
                            key.interestOps(SelectionKey.OP_WRITE);
                        } else if (key.isValid() && key.isWritable()) {
                            c.channel.write(c.request);
                            if (!c.request.hasRemaining()) {
                                key.interestOps(SelectionKey.OP_READ);
                            }
                        } else if (key.isValid() && key.isReadable()) {
                            buffer.clear();
                            int n = c.channel.read(buffer);
                            if (n < 0) {
                                c.end(null);
                            } else {
                                buffer.flip().get(scratch, 0, n);
                                c.take(scratch, n, now);
                            }
                        }
                    } catch (IOException | RuntimeException e) {
                        c.fail(e.toString());
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            if (running) {
                System.err.println("stream-client stopped: " + e);
            }
        }
    }

    private void open(Call call) {
        try {
            call.channel = SocketChannel.open();
            call.channel.configureBlocking(false);
            call.channel.socket().setTcpNoDelay(true);
            call.startNanos = System.nanoTime();
            boolean connected = call.channel.connect(call.address);
            call.key = call.channel.register(selector, connected ? SelectionKey.OP_WRITE : SelectionKey.OP_CONNECT, call);
        } catch (IOException e) {
            call.fail(e.toString());
        }
    }

    @Override
    public void close() throws IOException {
        running = false;
        selector.wakeup();
        try {
            loop.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (SelectionKey key : selector.keys()) {
            ((Call) key.attachment()).fail("client closed");
        }
        selector.close();
    }

    /** One request and the parse of its answer: head, then body (chunked, by length, or to the close). */
    private static final class Call {
        final InetSocketAddress address;
        final ByteBuffer request;
        final long[] eventNanos;
        final CompletableFuture<Result> future = new CompletableFuture<>();
        final CRC32C crc = new CRC32C();
        final AtomicInteger receiving;
        long firstEventNanos;
        SocketChannel channel;
        SelectionKey key;
        long startNanos;
        byte[] head = new byte[0];
        int status;
        String xCache;
        boolean chunked;
        long remaining = -1;  // body bytes left by length (-1: to the close), or of the current chunk
        int chunkState;       // 0 size line, 1 data, 2 CRLF after data, 3 trailer
        StringBuilder line = new StringBuilder();
        long bytes;
        int events;
        int newlines;         // consecutive '\n' (ignoring '\r') at the end of the body so far
        boolean headDone;

        Call(InetSocketAddress address, byte[] request, long[] eventNanos, AtomicInteger receiving) {
            this.receiving = receiving;
            this.address = address;
            this.request = ByteBuffer.wrap(request);
            this.eventNanos = eventNanos;
        }

        void take(byte[] data, int n, long now) {
            int from = 0;
            if (!headDone) {
                byte[] joined = Arrays.copyOf(head, head.length + n);
                System.arraycopy(data, 0, joined, head.length, n);
                int end = StreamUpstream.indexOf(joined, joined.length, "\r\n\r\n");
                if (end < 0) {
                    head = joined;
                    return;
                }
                parseHead(new String(joined, 0, end, StandardCharsets.ISO_8859_1));
                headDone = true;
                receiving.incrementAndGet();
                data = joined;
                from = end + 4;
                n = joined.length;
                if (!chunked && remaining == 0) {
                    end(null);
                    return;
                }
            }
            for (int i = from; i < n && !future.isDone(); ) {
                if (!chunked) {
                    int take = remaining < 0 ? n - i : (int) Math.min(remaining, n - i);
                    body(data, i, take, now);
                    i += take;
                    if (remaining >= 0 && (remaining -= take) == 0) {
                        end(null);
                    }
                } else if (chunkState == 1) {
                    int take = (int) Math.min(remaining, n - i);
                    body(data, i, take, now);
                    i += take;
                    if ((remaining -= take) == 0) {
                        chunkState = 2;
                        line.setLength(0);
                    }
                } else {
                    char c = (char) data[i++];
                    if (c != '\n') {
                        line.append(c);
                        continue;
                    }
                    String text = line.toString().trim();
                    line.setLength(0);
                    if (chunkState == 0) {
                        int semicolon = text.indexOf(';');
                        remaining = Long.parseLong(semicolon < 0 ? text : text.substring(0, semicolon), 16);
                        chunkState = remaining == 0 ? 3 : 1;
                    } else if (chunkState == 2) {
                        chunkState = 0;
                    } else if (text.isEmpty()) {
                        end(null);
                    }
                }
            }
        }

        private void parseHead(String head) {
            String[] lines = head.split("\r\n");
            status = Integer.parseInt(lines[0].split(" ")[1]);
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                if (colon < 0) {
                    continue;
                }
                String name = lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT);
                String value = lines[i].substring(colon + 1).trim();
                switch (name) {
                    case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
                    case "content-length" -> remaining = Long.parseLong(value);
                    case "x-cache" -> xCache = value;
                    default -> { }
                }
            }
            if (chunked) {
                remaining = 0;
                chunkState = 0;
            }
        }

        private void body(byte[] data, int from, int length, long now) {
            crc.update(data, from, length);
            bytes += length;
            for (int i = from; i < from + length; i++) {
                byte b = data[i];
                if (b == '\n') {
                    if (++newlines == 2) {
                        if (events == 0) {
                            firstEventNanos = now;
                        }
                        if (eventNanos != null && events < eventNanos.length) {
                            eventNanos[events] = now;
                        }
                        events++;
                    }
                } else if (b != '\r') {
                    newlines = 0;
                }
            }
        }

        void end(String error) {
            if (future.isDone()) {
                return;
            }
            close();
            if (headDone) {
                receiving.decrementAndGet();
            }
            if (error == null && chunked && chunkState != 3) {
                error = "connection closed inside the chunked body";
            } else if (error == null && !headDone) {
                error = "connection closed before the answer's head";
            } else if (error == null && remaining > 0 && !chunked) {
                error = "connection closed " + remaining + " bytes before the end";
            }
            future.complete(new Result(status, xCache, crc.getValue(), bytes, events, startNanos, firstEventNanos,
                    eventNanos == null ? null : Arrays.copyOf(eventNanos, Math.min(events, eventNanos.length)), error));
        }

        void fail(String error) {
            end(error);
        }

        private void close() {
            if (key != null) {
                key.cancel();
            }
            try {
                if (channel != null) {
                    channel.close();
                }
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }
}
