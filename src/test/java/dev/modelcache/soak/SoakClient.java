package dev.modelcache.soak;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * One HTTP/1.1 exchange on its own loopback connection ({@code Connection: close}), read to the end of the
 * connection, optionally slowly. Raw sockets rather than a pooled client, so that every descriptor the soak opens is
 * closed when the exchange ends and the count of open files afterwards means something.
 */
final class SoakClient {
    /** What came back: status (0 when no status line did), the head, the body (de-chunked), and whether it was whole. */
    record Answer(int status, String head, byte[] body, boolean complete) {
        boolean hasHeader(String name, String value) {
            String wanted = (name + ": " + value).toLowerCase(Locale.ROOT);
            for (String line : head.split("\r\n")) {
                if (line.toLowerCase(Locale.ROOT).startsWith(wanted)) {
                    return true;
                }
            }
            return false;
        }
    }

    private SoakClient() {
    }

    /** POSTs {@code json} to {@code path}; a slow reader takes 4 KiB at a time with a pause after each. */
    static Answer post(int port, String path, String json, boolean slow) throws IOException, InterruptedException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        String head = "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                + "Content-Type: application/json\r\nAuthorization: Bearer sk-soak\r\nContent-Length: " + body.length
                + "\r\n\r\n";
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        boolean ended = true;
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(30_000);
            if (slow) {
                socket.setReceiveBufferSize(4096);
            }
            OutputStream out = socket.getOutputStream();
            out.write(head.getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[slow ? 4096 : 64 * 1024];
            int n;
            while ((n = in.read(buffer)) != -1) {
                all.write(buffer, 0, n);
                if (slow) {
                    Thread.sleep(3);
                }
            }
        } catch (java.net.SocketException reset) {
            ended = false; // the proxy reset the connection: an answer broken on purpose (the upstream's was)
        }
        return parse(all.toByteArray(), ended);
    }

    private static Answer parse(byte[] bytes, boolean ended) {
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        if (!text.startsWith("HTTP/1.1 ") || end < 0) {
            return new Answer(0, text, new byte[0], false);
        }
        String head = text.substring(0, end);
        int status = Integer.parseInt(head.substring(9, 12));
        byte[] rest = java.util.Arrays.copyOfRange(bytes, end + 4, bytes.length);
        String lower = head.toLowerCase(Locale.ROOT);
        if (lower.contains("\r\ntransfer-encoding: chunked")) {
            return dechunked(status, head, rest, ended);
        }
        int at = lower.indexOf("\r\ncontent-length: ");
        if (at >= 0) {
            int lineEnd = lower.indexOf("\r\n", at + 2);
            long length = Long.parseLong(head.substring(at + 18, lineEnd < 0 ? head.length() : lineEnd).trim());
            return new Answer(status, head, rest, ended && rest.length == length);
        }
        return new Answer(status, head, rest, ended);
    }

    private static Answer dechunked(int status, String head, byte[] rest, boolean ended) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        int at = 0;
        while (true) {
            int lineEnd = indexOfCrlf(rest, at);
            if (lineEnd < 0) {
                return new Answer(status, head, body.toByteArray(), false);
            }
            int size;
            try {
                size = Integer.parseInt(new String(rest, at, lineEnd - at, StandardCharsets.ISO_8859_1).trim(), 16);
            } catch (NumberFormatException e) {
                return new Answer(status, head, body.toByteArray(), false);
            }
            at = lineEnd + 2;
            if (size == 0) {
                return new Answer(status, head, body.toByteArray(), ended);
            }
            if (at + size > rest.length) {
                body.write(rest, at, rest.length - at);
                return new Answer(status, head, body.toByteArray(), false);
            }
            body.write(rest, at, size);
            at += size + 2;
        }
    }

    private static int indexOfCrlf(byte[] bytes, int from) {
        for (int i = from; i + 1 < bytes.length; i++) {
            if (bytes[i] == '\r' && bytes[i + 1] == '\n') {
                return i;
            }
        }
        return -1;
    }
}
