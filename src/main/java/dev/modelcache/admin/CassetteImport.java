package dev.modelcache.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelcache.cache.CacheKeyFactory;
import dev.modelcache.cache.CachePolicy;
import dev.modelcache.http.ProxyError;
import dev.modelcache.replay.Cassettes;
import dev.modelcache.replay.ImportLimits;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;

/**
 * {@code POST /_cache/import}: the request body is the zip, whatever its {@code Content-Type} says. curl sends
 * {@code --data-binary @cassettes.zip} as {@code application/x-www-form-urlencoded}, and a servlet container asked
 * for a parameter would then read the zip as a form (and log its bytes when they do not decode): so the
 * {@code namespace} is read from the query string alone, and the body is known for a zip by its first bytes. Only a
 * form upload ({@code multipart/form-data}, curl's {@code -F}) is refused up front with 415, since the zip is inside
 * it. Errors name what was wrong, never the body's bytes: 400 for what is not a zip of cassettes, 413 for a zip past
 * its {@link ImportLimits}, with the connection closed, since the rest of the body is not read.
 */
final class CassetteImport {
    private static final ObjectMapper JSON = new ObjectMapper();

    private CassetteImport() {
    }

    static ObjectNode run(HttpServletRequest request, Cassettes.Sink sink, CacheKeyFactory keys, ImportLimits limits,
                          Path unpackInto) throws IOException {
        String type = request.getContentType() == null ? "" : request.getContentType().toLowerCase(Locale.ROOT);
        if (type.startsWith("multipart/")) {
            throw new ProxyError(415, "invalid_request_error", "unsupported_media_type", "Send the zip itself as the body"
                    + " (Content-Type: application/zip; with curl: --data-binary @cassettes.zip), not as a form upload.")
                    .withHeader("Connection", "close");
        }
        String namespace = namespace(request.getQueryString());
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

    /** The {@code namespace} of the query string, checked; null when absent. Never the body's form parameters. */
    static String namespace(String query) {
        if (query == null) {
            return null;
        }
        String namespace = null;
        for (String pair : query.split("&")) {
            int equals = pair.indexOf('=');
            String name = equals < 0 ? pair : pair.substring(0, equals);
            if (name.equals("namespace") && namespace == null) {
                try {
                    namespace = URLDecoder.decode(equals < 0 ? "" : pair.substring(equals + 1), StandardCharsets.UTF_8);
                } catch (IllegalArgumentException e) {
                    namespace = "%";
                }
            }
        }
        if (namespace != null && !namespace.isEmpty() && !CachePolicy.isNamespace(namespace)) {
            throw ProxyError.badRequest("invalid_cache_namespace", "The namespace parameter must be 1 to 128 letters, "
                    + "digits, '.', '_' or '-', starting with a letter or digit.");
        }
        return namespace;
    }
}
