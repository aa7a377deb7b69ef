package dev.modelcache.support;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A provider stand-in: a real HTTP/1.1 server on loopback, written on raw sockets so that a test controls every
 * byte, every pause and how a connection ends (cleanly, or reset in the middle of a stream). Each connection
 * serves one request and closes.
 */
public final class FakeUpstream implements AutoCloseable {
    /** A request as the fake provider received it. */
    public record Request(String method, String target, Map<String, String> headers, byte[] body) {
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** An answer: status, headers and body pieces, each sent (and flushed) after its pause. */
    public static final class Reply {
        final int status;
        final Map<String, String> headers = new LinkedHashMap<>();
        final List<byte[]> pieces = new ArrayList<>();
        final List<Long> pausesMillis = new ArrayList<>();
        final List<CountDownLatch> gates = new ArrayList<>();
        boolean chunked;
        boolean unframed;
        boolean resetAtEnd;
        int missingBytes;
        long headerDelayMillis;
        CountDownLatch headGate;

        private Reply(int status, String contentType) {
            this.status = status;
            headers.put("Content-Type", contentType);
        }

        public static Reply json(int status, String body) {
            Reply reply = new Reply(status, "application/json");
            reply.headers.put("openai-processing-ms", "12");
            reply.headers.put("x-request-id", "req_fake");
            reply.headers.put("Set-Cookie", "__cf_bm=secret-cookie; Path=/");
            return reply.piece(body, 0, null);
        }

        /** An event stream, chunked, one piece per event. */
        public static Reply sse(List<String> events) {
            Reply reply = new Reply(200, "text/event-stream; charset=utf-8");
            reply.chunked = true;
            for (String event : events) {
                reply.piece(event, 0, null);
            }
            return reply;
        }

        /** Newline-delimited JSON (Ollama's streams), chunked, one piece per line. */
        public static Reply ndjson(List<String> lines) {
            Reply reply = new Reply(200, "application/x-ndjson");
            reply.chunked = true;
            for (String line : lines) {
                reply.piece(line, 0, null);
            }
            return reply;
        }

        public Reply piece(String text, long pauseMillis, CountDownLatch gate) {
            pieces.add(text.getBytes(StandardCharsets.UTF_8));
            pausesMillis.add(pauseMillis);
            gates.add(gate);
            return this;
        }

        /** Waits for {@code gate} before sending piece {@code index}. */
        public Reply gateBefore(int index, CountDownLatch gate) {
            gates.set(index, gate);
            return this;
        }

        public Reply pauseBefore(int index, long millis) {
            pausesMillis.set(index, millis);
            return this;
        }

        public Reply pauseEach(long millis) {
            for (int i = 1; i < pausesMillis.size(); i++) {
                pausesMillis.set(i, millis);
            }
            return this;
        }

        /** Waits for {@code gate} before sending anything: a provider still thinking. */
        public Reply gateHead(CountDownLatch gate) {
            headGate = gate;
            return this;
        }

        public Reply delayHeaders(long millis) {
            headerDelayMillis = millis;
            return this;
        }

        /** No Content-Length and no chunking: the body ends when the connection closes (HTTP/1.0 style). */
        public Reply unframed() {
            unframed = true;
            chunked = false;
            return this;
        }

        /** Sends the pieces, then resets the connection instead of ending the body. */
        public Reply resetAtEnd() {
            resetAtEnd = true;
            chunked = true;
            return this;
        }

        /** Promises {@code bytes} more in Content-Length than the pieces hold, and closes after them: a body cut short. */
        public Reply cutShort(int bytes) {
            missingBytes = bytes;
            return this;
        }

        /**
         * Sends the body encoded as one piece, labelled {@code Content-Encoding: coding}, as a provider's CDN may do
         * although nobody asked for it.
         */
        public Reply encoded(String coding, java.util.function.UnaryOperator<byte[]> encoder) {
            ByteArrayOutputStream whole = new ByteArrayOutputStream();
            pieces.forEach(whole::writeBytes);
            pieces.clear();
            pausesMillis.clear();
            gates.clear();
            pieces.add(encoder.apply(whole.toByteArray()));
            pausesMillis.add(0L);
            gates.add(null);
            return header("Content-Encoding", coding);
        }

        public Reply header(String name, String value) {
            headers.put(name, value);
            return this;
        }
    }

    private final ServerSocket server;
    private final ExecutorService workers = Executors.newCachedThreadPool();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger calls = new AtomicInteger();
    private volatile Function<Request, Reply> handler = r -> Reply.json(200, "{}");

    private FakeUpstream() throws IOException {
        server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        workers.execute(this::acceptLoop);
    }

    public static FakeUpstream start() throws IOException {
        return new FakeUpstream();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    public FakeUpstream handler(Function<Request, Reply> handler) {
        this.handler = handler;
        return this;
    }

    public int calls() {
        return calls.get();
    }

    public List<Request> requests() {
        return requests;
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                workers.execute(() -> serve(socket));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            InputStream in = new BufferedInputStream(socket.getInputStream());
            Request request = readRequest(in);
            if (request == null) {
                return;
            }
            calls.incrementAndGet();
            requests.add(request);
            Reply reply = handler.apply(request);
            sleep(reply.headerDelayMillis);
            if (reply.headGate != null && !reply.headGate.await(60, TimeUnit.SECONDS)) {
                throw new IOException("head gate never opened");
            }
            OutputStream out = socket.getOutputStream();
            StringBuilder head = new StringBuilder("HTTP/1.1 " + reply.status + " Fake\r\n");
            reply.headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
            head.append("Connection: close\r\n");
            if (reply.chunked) {
                head.append("Transfer-Encoding: chunked\r\n");
            } else if (!reply.unframed) {
                int length = reply.pieces.stream().mapToInt(p -> p.length).sum() + reply.missingBytes;
                head.append("Content-Length: ").append(length).append("\r\n");
            }
            head.append("\r\n");
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            for (int i = 0; i < reply.pieces.size(); i++) {
                CountDownLatch gate = reply.gates.get(i);
                if (gate != null && !gate.await(30, TimeUnit.SECONDS)) {
                    throw new IOException("gate never opened");
                }
                sleep(reply.pausesMillis.get(i));
                byte[] piece = reply.pieces.get(i);
                if (reply.chunked) {
                    out.write((Integer.toHexString(piece.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    out.write(piece);
                    out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
                } else {
                    out.write(piece);
                }
                out.flush();
            }
            if (reply.resetAtEnd) {
                // The proxy reads answers on an I/O reactor: a reset right behind the last bytes can reach the socket
                // before the reactor read them, and the kernel then drops them (the break looks like one before the
                // first byte). A moment lets them be read first, as a provider's reset mid-stream would.
                sleep(50);
                socket.setSoLinger(true, 0);
                return;
            }
            if (reply.chunked) {
                out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            }
            out.flush();
        } catch (SocketException e) {
            // The proxy hung up: fine for a fake.
        } catch (IOException | InterruptedException e) {
            // Ends this connection only.
        }
    }

    private static Request readRequest(InputStream in) throws IOException {
        String requestLine = readLine(in);
        if (requestLine == null || requestLine.isEmpty()) {
            return null;
        }
        String[] parts = requestLine.split(" ");
        Map<String, String> headers = new LinkedHashMap<>();
        String line;
        while ((line = readLine(in)) != null && !line.isEmpty()) {
            int colon = line.indexOf(':');
            headers.merge(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim(),
                    (a, b) -> a + ", " + b);
        }
        byte[] body;
        if (headers.containsKey("content-length")) {
            body = in.readNBytes(Integer.parseInt(headers.get("content-length")));
        } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            int size;
            while ((size = Integer.parseInt(readLine(in).trim(), 16)) > 0) {
                all.write(in.readNBytes(size));
                readLine(in);
            }
            readLine(in);
            body = all.toByteArray();
        } else {
            body = new byte[0];
        }
        return new Request(parts[0], parts[1], headers, body);
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                break;
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return b == -1 && line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
    }

    private static void sleep(long millis) throws IOException {
        if (millis > 0) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        workers.shutdownNow();
    }
}
