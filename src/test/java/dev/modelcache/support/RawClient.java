package dev.modelcache.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A client on a raw loopback socket, for what an HTTP client library will not do: stall in the middle of a body,
 * cut a body short, send a malformed request. It reads one answer (status line, headers, a Content-Length or
 * chunked body, or up to the close).
 */
public final class RawClient implements AutoCloseable {
    private final Socket socket;

    public RawClient(int port) throws IOException {
        socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout(10_000);
    }

    /** Sends these bytes (ISO-8859-1) and flushes. */
    public RawClient send(String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
        return this;
    }

    /** Ends the request stream (a client that stops sending early, TCP half close). */
    public RawClient endOutput() throws IOException {
        socket.shutdownOutput();
        return this;
    }

    /** The head of a POST with a JSON body of {@code contentLength} bytes, the body itself not included. */
    public static String postHead(String path, int contentLength) {
        return "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Authorization: Bearer sk-raw\r\nContent-Length: " + contentLength + "\r\n\r\n";
    }

    /** One answer as text (ISO-8859-1), or what arrived before the server closed; empty when nothing did. */
    public String readAnswer() throws IOException {
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        int headEnd = -1;
        try {
            int b;
            while ((b = in.read()) != -1) {
                all.write(b);
                if (headEnd < 0 && all.size() >= 4 && all.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                    headEnd = all.size();
                    String head = all.toString(StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
                    int length = head.indexOf("content-length:");
                    if (length >= 0) {
                        int end = head.indexOf("\r\n", length);
                        all.write(in.readNBytes(Integer.parseInt(head.substring(length + 15, end).trim())));
                        return all.toString(StandardCharsets.ISO_8859_1);
                    }
                    if (!head.contains("transfer-encoding: chunked")) {
                        continue;
                    }
                }
                if (headEnd >= 0 && all.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n0\r\n\r\n")) {
                    break;
                }
            }
        } catch (SocketTimeoutException e) {
            throw new IOException("no complete answer within 10 s; so far: " + all.toString(StandardCharsets.ISO_8859_1), e);
        } catch (IOException e) {
            // A reset after (part of) an answer: return what arrived.
        }
        return all.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
