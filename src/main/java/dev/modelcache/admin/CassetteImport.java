package dev.modelcache.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelcache.cache.CacheKeyFactory;
import dev.modelcache.http.ProxyError;
import dev.modelcache.replay.cassette.Cassettes;
import dev.modelcache.replay.cassette.ImportLimits;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * {@code POST /_cache/import}: the request body is the zip, whatever its {@code Content-Type} says. curl sends
 * {@code --data-binary @cassettes.zip} as {@code application/x-www-form-urlencoded}, and a servlet container asked
 * for a parameter would then read the zip as a form (and log its bytes when they do not decode): so the
 * {@code namespace} is read from the query string alone ({@link QueryParameters}), and the body is known for a zip
 * by its first bytes. Only a form upload ({@code multipart/form-data}, curl's {@code -F}) is refused up front with
 * 415, since the zip is inside it. Errors name what was wrong, never the body's bytes: 400 for what is not a zip of
 * cassettes, 413 for a zip past its {@link ImportLimits}, with the connection closed, since the rest of the body is
 * not read.
 */
final class CassetteImport {
    private static final ObjectMapper JSON = new ObjectMapper();

    private CassetteImport() {
    }

    /** Imports the body into {@code sink}, in {@code namespace} (null: each file's own). */
    static ObjectNode run(HttpServletRequest request, String namespace, Cassettes.Sink sink, CacheKeyFactory keys,
                          ImportLimits limits, Path unpackInto) throws IOException {
        String type = request.getContentType() == null ? "" : request.getContentType().toLowerCase(Locale.ROOT);
        if (type.startsWith("multipart/")) {
            throw new ProxyError(415, "invalid_request_error", "unsupported_media_type", "Send the zip itself as the body"
                    + " (Content-Type: application/zip; with curl: --data-binary @cassettes.zip), not as a form upload.")
                    .withHeader("Connection", "close");
        }
        try {
            return JSON.valueToTree(Cassettes.importZip(request.getInputStream(), sink, keys, namespace, limits, unpackInto));
        } catch (ImportLimits.Exceeded e) {
            throw new ProxyError(413, "invalid_request_error", "cassettes_too_large", "The zip is larger than this proxy"
                    + " imports: " + e.getMessage()).withHeader("Connection", "close");
        } catch (IOException | IllegalArgumentException e) {
            throw ProxyError.badRequest("invalid_cassettes", "The body is not a zip of cassettes this proxy can import: "
                    + e.getMessage());
        }
    }
}
