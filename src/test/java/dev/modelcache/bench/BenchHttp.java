package dev.modelcache.bench;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * One keep-alive HTTP/1.1 connection on a raw socket, for the Java side of the load (the open-loop rate and the time to
 * first event): it writes a request whole and reads the answer as it arrives, so the moment the first complete
 * {@code data:} line came in is known. No client library sits between the bytes and the clock.
 */
final class BenchHttp implements Closeable {
    /** An answer: status, whether its {@code X-Cache} said HIT, the body, and when its first event line had arrived. */
    record Answer(int status, boolean hit, byte[] body, long firstEventNanos, long endNanos) {
    }

    private final String host;
    private final int port;
    private Socket socket;
    private InputStream in;
    private OutputStream out;

    BenchHttp(String host, int port) {
        this.host = host;
        this.port = port;
    }

    /** The bytes of a request: a POST with a body, or a GET when {@code body} is null. */
    static byte[] request(String method, String host, int port, String path, byte[] body, String... headers) {
        StringBuilder head = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\nHost: ")
                .append(host).append(':').append(port).append("\r\n");
        for (String header : headers) {
            head.append(header).append("\r\n");
        }
        if (body != null) {
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        head.append("\r\n");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.writeBytes(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        if (body != null) {
            bytes.writeBytes(body);
        }
        return bytes.toByteArray();
    }

    /** Sends {@code request} (reconnecting when the server closed the last connection) and reads the whole answer. */
    Answer exchange(byte[] request) throws IOException {
        if (socket == null) {
            socket = new Socket();
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(host, port), 5000);
            socket.setSoTimeout(30_000);
            in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
            out = socket.getOutputStream();
        }
        try {
            out.write(request);
            out.flush();
            return read();
        } catch (IOException e) {
            close();
            throw e;
        }
    }

    private Answer read() throws IOException {
        String status = line();
        if (!status.startsWith("HTTP/1.1 ") || status.length() < 12) {
            throw new IOException("not an HTTP/1.1 answer: " + status);
        }
        int code = Integer.parseInt(status.substring(9, 12));
        long length = -1;
        boolean chunked = false;
        boolean close = false;
        boolean hit = false;
        for (String header = line(); !header.isEmpty(); header = line()) {
            int colon = header.indexOf(':');
            String name = header.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = header.substring(colon + 1).trim();
            switch (name) {
                case "content-length" -> length = Long.parseLong(value);
                case "transfer-encoding" -> chunked = value.equalsIgnoreCase("chunked");
                case "connection" -> close = value.equalsIgnoreCase("close");
                case "x-cache" -> hit = value.equals("HIT");
                default -> { }
            }
        }
        Body body = new Body();
        if (chunked) {
            for (long size = Long.parseLong(line().split(";")[0].trim(), 16); size > 0;
                    size = Long.parseLong(line().split(";")[0].trim(), 16)) {
                body.read(in, size);
                line();
            }
            while (!line().isEmpty()) {
                // Trailers: none expected.
            }
        } else if (length >= 0) {
            body.read(in, length);
        } else {
            throw new IOException("an answer without a length");
        }
        long end = System.nanoTime();
        if (close) {
            close();
        }
        return new Answer(code, hit, body.bytes.toByteArray(), body.firstEvent == 0 ? end : body.firstEvent, end);
    }

    /** A body as it arrives: notes when its first complete {@code data:} line is in. */
    private static final class Body {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        long firstEvent;
        private final byte[] buffer = new byte[8192];

        void read(InputStream in, long count) throws IOException {
            long left = count;
            while (left > 0) {
                int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                if (n < 0) {
                    throw new IOException("the answer ended early");
                }
                bytes.write(buffer, 0, n);
                left -= n;
                if (firstEvent == 0 && hasEventLine()) {
                    firstEvent = System.nanoTime();
                }
            }
        }

        private boolean hasEventLine() {
            String text = bytes.toString(StandardCharsets.ISO_8859_1);
            int data = text.startsWith("data:") ? 0 : text.indexOf("\ndata:");
            return data >= 0 && text.indexOf('\n', data + 1) >= 0;
        }
    }

    private String line() throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new IOException("the connection closed mid-answer");
            }
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException e) {
                // Closing anyway.
            }
            socket = null;
        }
    }
}
