package dev.modelcache.servlet;

import dev.modelcache.http.ErrorShape;
import dev.modelcache.http.ProxyError;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * How the proxy's own errors are written: in the error shape of the provider that owns the path, never stored
 * ({@code Cache-Control: no-store}), with {@code Connection: close} after a 502 or 504 or when the request's body was
 * left unread; and the message for a status the container decided on, with no internals in it.
 */
final class ErrorAnswers {
    private ErrorAnswers() {
    }

    /** The error shape for a status the container (not the proxy) decided on; no internals in the message. */
    static ProxyError containerError(int status) {
        boolean client = status < 500;
        String message = switch (status) {
            case 400 -> "The request could not be read (malformed request line, path, header or body).";
            case 408 -> "The request did not arrive in time.";
            case 413 -> "The request is larger than this server accepts.";
            case 414 -> "The request's path or query is longer than this server accepts.";
            case 431 -> "The request's headers are larger than this server accepts.";
            default -> client ? "The server refused this request (HTTP " + status + ")."
                    : "The server failed on this request (HTTP " + status + "). See the proxy's log.";
        };
        return new ProxyError(status, client ? "invalid_request_error" : "server_error",
                client ? "invalid_request" : "server_error", message);
    }

    /**
     * Writes {@code error} in {@code shape}, replacing whatever the response held; {@code close}: the connection
     * closes after it (a body left unread), as it always does after the proxy's 502 and 504.
     */
    static void write(HttpServletResponse response, ProxyError error, ErrorShape shape, boolean close)
            throws IOException {
        byte[] body = error.body(shape);
        response.reset();
        response.setStatus(error.status());
        response.setContentType("application/json");
        response.setHeader("Cache-Control", "no-store");
        error.headers().forEach(response::setHeader);
        if (close || error.status() == 502 || error.status() == 504) {
            response.setHeader("Connection", "close");
        }
        response.setContentLength(body.length);
        response.getOutputStream().isReady(); // a live stream's response writes without blocking: ask first
        response.getOutputStream().write(body);
    }
}
