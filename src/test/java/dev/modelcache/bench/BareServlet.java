package dev.modelcache.bench;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

/**
 * The benchmark's yardstick: what the servlet container alone spends answering the cached bytes. It reads the request
 * body (as the proxy must) and writes the same body with the same headers a ModelCache hit sends, with a
 * Content-Length, nothing else. {@link BenchServer} deploys it beside ModelCache in the same Tomcat.
 */
final class BareServlet extends HttpServlet {
    private volatile byte[] body = new byte[0];
    private volatile Map<String, String> headers = Map.of();

    /** What to answer from now on: a hit's body and headers (those the connector adds itself left out). */
    void answer(byte[] body, Map<String, String> headers) {
        this.headers = Map.copyOf(headers);
        this.body = body.clone();
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        byte[] drain = new byte[8192];
        try (InputStream in = request.getInputStream()) {
            while (in.read(drain) >= 0) {
                // The request body is read whole, as the proxy reads it.
            }
        }
        byte[] answer = body;
        headers.forEach(response::setHeader);
        response.setContentLength(answer.length);
        response.getOutputStream().write(answer);
    }
}
