package dev.modelcache.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Iterator;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;

/**
 * A fake OpenAI provider for the streaming benchmarks that serves thousands of slow streams from one thread: a
 * {@code java.nio} selector accepts, reads and writes every connection, and a queue ordered by due time says which
 * stream sends its next event when. A thread per stream would make the fake, not the proxy, the limit at 5,000
 * streams.
 *
 * <p>{@code POST /v1/chat/completions} with {@code "stream":true} answers an OpenAI-shaped
 * {@code chat.completion.chunk} stream of {@code events} server-sent events (or {@code max_tokens} of them, when the
 * request gives one: short streams to warm up with; the last is {@code data: [DONE]}), the
 * first at once and the next every {@code gap}, one HTTP chunk each; any other request gets a ~1 KB
 * {@code chat.completion}. The request names its stream with a message content of {@code bench-<id>}; per id the
 * fake keeps the CRC-32C and length of the body it sent (a cheap check of every byte and its order: 5,000 streams
 * are 250,000 events a second, and a SHA-256 of each on both sides would cost the load core more than the rest) and,
 * when asked, the {@link System#nanoTime()} of each event's write, so
 * a client in the same process can check a stream byte for byte and time each event from the moment it left.
 */
public final class StreamUpstream implements AutoCloseable {
    private static final Pattern ID = Pattern.compile("\"content\"\\s*:\\s*\"bench-([A-Za-z0-9_.-]+)\"");
    private static final Pattern STREAM = Pattern.compile("\"stream\"\\s*:\\s*true");
    private static final Pattern MAX_TOKENS = Pattern.compile("\"max_tokens\"\\s*:\\s*(\\d+)");
    private static final byte[] STREAM_HEAD = ("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\n"
            + "Cache-Control: no-cache\r\nTransfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII);

    /** What was sent for one stream id: the CRC-32C and length of its body, and each event's write time when recorded. */
    public record Sent(long crc, long bytes, long[] eventNanos) { }

    private final int events;
    private final long gapNanos;
    private final boolean recordTimes;
    private final ServerSocketChannel server;
    private final Selector selector;
    private final Thread loop;
    private final PriorityQueue<Conn> due = new PriorityQueue<>((a, b) -> Long.compare(a.nextDue, b.nextDue));
    private final Map<String, Sent> sent = new ConcurrentHashMap<>();
    private final AtomicInteger live = new AtomicInteger();
    private volatile long maxLateNanos;
    private volatile boolean running = true;

    public StreamUpstream(int events, Duration gap, boolean recordTimes) throws IOException {
        if (events < 3) {
            throw new IllegalArgumentException("a stream has at least 3 events (content, stop, [DONE])");
        }
        this.events = events;
        this.gapNanos = gap.toNanos();
        this.recordTimes = recordTimes;
        selector = Selector.open();
        server = ServerSocketChannel.open();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8192);
        server.configureBlocking(false);
        server.register(selector, SelectionKey.OP_ACCEPT);
        loop = new Thread(this::run, "stream-upstream");
        loop.setDaemon(true);
        loop.start();
    }

    public int port() {
        return server.socket().getLocalPort();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port();
    }

    /** What was sent for {@code id}, once its last event is written; null before (or for an unknown id). */
    public Sent sent(String id) {
        return sent.get(id);
    }

    /** Streams being sent right now. */
    public int live() {
        return live.get();
    }

    /**
     * The most any event was sent after it was due, in ms: how well this fake kept its own schedule (a late fake,
     * not the proxy, would then explain late events).
     */
    public double maxLateMs() {
        return maxLateNanos / 1e6;
    }

    /** Event {@code index} of a stream of {@code events} events for {@code id}: the same bytes the fake sends. */
    public static byte[] event(String id, int index, int events) {
        byte[] suffix = suffix(index, events);
        if (index == events - 1) {
            return suffix;
        }
        byte[] prefix = prefix(id);
        byte[] all = new byte[prefix.length + suffix.length];
        System.arraycopy(prefix, 0, all, 0, prefix.length);
        System.arraycopy(suffix, 0, all, prefix.length, suffix.length);
        return all;
    }

    /** What every event of {@code id}'s stream but the last ({@code [DONE]}) starts with. */
    static byte[] prefix(String id) {
        return ("data: {\"id\":\"chatcmpl-" + id + "\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,"
                + "\"model\":\"gpt-4o-mini\",\"system_fingerprint\":\"fp_bench\",\"choices\":[{\"index\":0,\"delta\":")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8);
    private static final byte[] STOP = "{},\"logprobs\":null,\"finish_reason\":\"stop\"}]}\n\n".getBytes(StandardCharsets.UTF_8);
    private static final byte[] ROLE = "{\"role\":\"assistant\",\"content\":\"\"},\"logprobs\":null,\"finish_reason\":null}]}\n\n"
            .getBytes(StandardCharsets.UTF_8);
    private static final List<byte[]> WORDS = new ArrayList<>();

    /** The rest of event {@code index} after the prefix (the whole event for the last); built once per index. */
    static byte[] suffix(int index, int events) {
        if (index == events - 1) {
            return DONE;
        } else if (index == events - 2) {
            return STOP;
        } else if (index == 0) {
            return ROLE;
        }
        synchronized (WORDS) {
            while (WORDS.size() <= index) {
                WORDS.add(("{\"content\":\" word" + WORDS.size() + "\"},\"logprobs\":null,\"finish_reason\":null}]}\n\n")
                        .getBytes(StandardCharsets.UTF_8));
            }
            return WORDS.get(index);
        }
    }

    private void run() {
        try {
            while (running) {
                sendDue();
                long wait = 1000;
                Conn next = due.peek();
                if (next != null) {
                    wait = Math.max(1, (next.nextDue - System.nanoTime() + 999_999) / 1_000_000);
                }
                selector.select(wait);
                Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
                while (keys.hasNext()) {
                    SelectionKey key = keys.next();
                    keys.remove();
                    if (!key.isValid()) {
                        continue;
                    }
                    if (key.isAcceptable()) {
                        accept();
                    } else {
                        Conn conn = (Conn) key.attachment();
                        try {
                            if (key.isWritable()) {
                                flush(conn);
                            }
                            if (key.isValid() && key.isReadable()) {
                                read(conn);
                            }
                        } catch (IOException e) {
                            close(conn);
                        }
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            if (running) {
                System.err.println("stream-upstream stopped: " + e);
            }
        }
    }

    private void accept() throws IOException {
        SocketChannel channel;
        while ((channel = server.accept()) != null) {
            channel.configureBlocking(false);
            channel.socket().setTcpNoDelay(true);
            Conn conn = new Conn(channel);
            conn.key = channel.register(selector, SelectionKey.OP_READ, conn);
        }
    }

    private void read(Conn conn) throws IOException {
        ByteBuffer buffer = conn.in;
        if (!buffer.hasRemaining()) {
            conn.in = ByteBuffer.allocate(buffer.capacity() * 2).put(buffer.flip());
        }
        int n = conn.channel.read(conn.in);
        if (n < 0) {
            close(conn);
            return;
        }
        if (conn.id == null) {
            serveRequests(conn);
        }
    }

    /** Serves each whole request in the input buffer (only between answers: no pipelining while streaming). */
    private void serveRequests(Conn conn) throws IOException {
        while (conn.id == null) {
            byte[] bytes = conn.in.array();
            int length = conn.in.position();
            int headEnd = indexOf(bytes, length, "\r\n\r\n");
            if (headEnd < 0) {
                return;
            }
            String head = new String(bytes, 0, headEnd, StandardCharsets.ISO_8859_1);
            Matcher cl = Pattern.compile("(?im)^content-length:\\s*(\\d+)").matcher(head);
            int bodyLength = cl.find() ? Integer.parseInt(cl.group(1)) : 0;
            int total = headEnd + 4 + bodyLength;
            if (length < total) {
                return;
            }
            String body = new String(bytes, headEnd + 4, bodyLength, StandardCharsets.UTF_8);
            conn.in = ByteBuffer.allocate(Math.max(4096, length - total)).put(ByteBuffer.wrap(bytes, total, length - total));
            Matcher id = ID.matcher(body);
            if (STREAM.matcher(body).find() && id.find()) {
                Matcher max = MAX_TOKENS.matcher(body);
                startStream(conn, id.group(1), max.find() ? Math.max(3, Integer.parseInt(max.group(1))) : events);
            } else {
                answerJson(conn, id.find(0) ? id.group(1) : "x");
            }
        }
    }

    private void answerJson(Conn conn, String id) throws IOException {
        StringBuilder content = new StringBuilder();
        while (content.length() < 700) {
            content.append("The cached answer repeats this sentence to make about a kilobyte. ");
        }
        byte[] body = ("{\"id\":\"chatcmpl-" + id + "\",\"object\":\"chat.completion\",\"created\":1700000000,"
                + "\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\""
                + content + "\"},\"logprobs\":null,\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":12,"
                + "\"completion_tokens\":150,\"total_tokens\":162},\"system_fingerprint\":\"fp_bench\"}")
                .getBytes(StandardCharsets.UTF_8);
        byte[] head = ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        conn.out.add(ByteBuffer.wrap(head));
        conn.out.add(ByteBuffer.wrap(body));
        flush(conn);
    }

    private void startStream(Conn conn, String id, int events) throws IOException {
        conn.id = id;
        conn.events = events;
        conn.next = 0;
        conn.crc = new CRC32C();
        conn.prefix = prefix(id);
        conn.bytes = 0;
        conn.times = recordTimes ? new long[events] : null;
        conn.out.add(ByteBuffer.wrap(STREAM_HEAD));
        live.incrementAndGet();
        conn.nextDue = System.nanoTime();
        sendEvent(conn);
    }

    private void sendDue() {
        long now = System.nanoTime();
        while (!due.isEmpty() && due.peek().nextDue <= now) {
            Conn conn = due.poll();
            if (conn.closed || conn.id == null) {
                continue;
            }
            long late = System.nanoTime() - conn.nextDue;
            if (late > maxLateNanos) {
                maxLateNanos = late;
            }
            try {
                sendEvent(conn);
            } catch (IOException e) {
                close(conn);
            }
        }
    }

    private void sendEvent(Conn conn) throws IOException {
        boolean last = conn.next == conn.events - 1;
        byte[] prefix = last ? new byte[0] : conn.prefix;
        byte[] suffix = suffix(conn.next, conn.events);
        int length = prefix.length + suffix.length;
        conn.crc.update(prefix);
        conn.crc.update(suffix);
        conn.bytes += length;
        byte[] size = (Integer.toHexString(length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        ByteBuffer chunk = ByteBuffer.allocate(size.length + length + 2 + (last ? 5 : 0));
        chunk.put(size).put(prefix).put(suffix).put((byte) '\r').put((byte) '\n');
        if (last) {
            chunk.put("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            sent.put(conn.id, new Sent(conn.crc.getValue(), conn.bytes, conn.times));
        }
        conn.out.add(chunk.flip());
        if (conn.times != null) {
            conn.times[conn.next] = System.nanoTime();
        }
        flush(conn);
        if (last) {
            conn.id = null;
            live.decrementAndGet();
            serveRequests(conn);
        } else {
            conn.next++;
            conn.nextDue += gapNanos;
            due.add(conn);
        }
    }

    private void flush(Conn conn) throws IOException {
        while (!conn.out.isEmpty()) {
            ByteBuffer buffer = conn.out.peek();
            conn.channel.write(buffer);
            if (buffer.hasRemaining()) {
                conn.key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
                return;
            }
            conn.out.poll();
        }
        if (conn.key.isValid()) {
            conn.key.interestOps(SelectionKey.OP_READ);
        }
    }

    private void close(Conn conn) {
        if (conn.closed) {
            return;
        }
        conn.closed = true;
        if (conn.id != null) {
            live.decrementAndGet();
            conn.id = null;
        }
        conn.key.cancel();
        try {
            conn.channel.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    static int indexOf(byte[] bytes, int length, String needle) {
        byte[] n = needle.getBytes(StandardCharsets.US_ASCII);
        outer:
        for (int i = 0; i + n.length <= length; i++) {
            for (int j = 0; j < n.length; j++) {
                if (bytes[i + j] != n[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
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
            key.channel().close();
        }
        selector.close();
    }

    private static final class Conn {
        final SocketChannel channel;
        final ArrayDeque<ByteBuffer> out = new ArrayDeque<>();
        SelectionKey key;
        ByteBuffer in = ByteBuffer.allocate(4096);
        String id;
        int next;
        int events;
        long nextDue;
        long bytes;
        CRC32C crc;
        byte[] prefix;
        long[] times;
        boolean closed;

        Conn(SocketChannel channel) {
            this.channel = channel;
        }
    }
}
