package dev.modelcache.replay.cassette;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelcache.cache.Body;
import dev.modelcache.cache.CacheKey;
import dev.modelcache.files.Digests;
import dev.modelcache.files.RegularFiles;
import dev.modelcache.store.RecordFile;
import dev.modelcache.store.RecordFormat;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * Reads a cassette a person may have edited: the body is everything after the header's blank line, and its length
 * and SHA-256 are computed from it rather than checked against the header, so changing an answer's text in an editor
 * (and so its length) is all it takes. A stream's chunk list is cut to the new length (the last chunk ends at the
 * body's end). The header must still parse, and be followed by its blank line.
 *
 * <p>Only cassettes are read so: the cache's own records ({@code <cache dir>/records}) stay strictly checked
 * ({@link RecordFile#read}), since there a length or hash that disagrees means a torn write, never an edit.
 */
final class HandEdits {
    private static final Logger LOG = System.getLogger(HandEdits.class.getName());

    private HandEdits() {
    }

    /**
     * The cassette's content; when its body differs from what its header says and {@code report} is set, one
     * line in the log says so.
     */
    static RecordFile.Contents read(Path file, long maxHeaderBytes, boolean report) throws IOException {
        long size = RegularFiles.attributes(file).size(); // never open a FIFO (it would block) or follow a link
        RecordFormat.Header header;
        byte[] separator;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 16 * 1024)) {
            header = RecordFormat.readHeader(in, maxHeaderBytes);
        } catch (IOException e) {
            throw new IOException("torn record: the header does not read (" + e.getMessage() + ")", e);
        }
        try (InputStream in = Files.newInputStream(file)) {
            in.skipNBytes(Math.max(0, header.bodyOffset() - 2));
            separator = in.readNBytes(2);
        }
        if (header.bodyOffset() > size || separator.length != 2 || separator[0] != '\n' || separator[1] != '\n') {
            throw new IOException("torn record: the header is not followed by a blank line");
        }
        long length = size - header.bodyOffset();
        Body body;
        MessageDigest sha = Digests.sha256();
        if (size <= RecordFile.IN_MEMORY_BYTES) {
            byte[] bytes = Files.readAllBytes(file);
            length = bytes.length - header.bodyOffset();
            sha.update(bytes, (int) header.bodyOffset(), (int) length);
            body = new Body.InMemory(bytes, (int) header.bodyOffset(), (int) length);
        } else {
            try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 64 * 1024)) {
                in.skipNBytes(header.bodyOffset());
                byte[] buffer = new byte[64 * 1024];
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    sha.update(buffer, 0, n);
                }
            }
            body = new Body.InFile(file, header.bodyOffset(), length);
        }
        String hash = HexFormat.of().formatHex(sha.digest());
        if (length != header.bodyLength() || !hash.equals(header.bodySha256())) {
            if (report) {
                LOG.log(Level.INFO, "cassette " + file + " was edited: its body is " + length + " bytes (the header said "
                        + header.bodyLength() + "), its length and SHA-256 are taken from the body; export again to"
                        + " write them into the header");
            }
            header = corrected(header, length, hash);
        }
        CacheKey key;
        try {
            key = new CacheKey(header.json().path("key").asText(""));
        } catch (RuntimeException e) {
            throw new IOException("the header names no valid key", e);
        }
        return new RecordFile.Contents(key, RecordFormat.request(header), RecordFormat.response(header, body));
    }

    /** The header with the body's real length and hash, and its chunks cut to that length. */
    private static RecordFormat.Header corrected(RecordFormat.Header header, long length, String hash) {
        ObjectNode json = header.json().deepCopy();
        if (!(json.path("response") instanceof ObjectNode response)) {
            return header;
        }
        response.put("bodyLength", length);
        response.put("bodySha256", hash);
        ArrayNode chunks = response.arrayNode();
        JsonNode last = null;
        for (JsonNode chunk : response.path("chunks")) {
            if (chunk.path(0).asLong() < length) {
                chunks.add(chunk);
            }
            last = chunk;
        }
        if (last != null && (chunks.isEmpty() || chunks.get(chunks.size() - 1).path(0).asLong() != length)) {
            chunks.add(response.arrayNode().add(length).add(last.path(1).asLong()));
        }
        response.set("chunks", chunks);
        return new RecordFormat.Header(json, header.bodyOffset());
    }
}
