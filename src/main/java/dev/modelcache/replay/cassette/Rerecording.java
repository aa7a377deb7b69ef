package dev.modelcache.replay.cassette;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelcache.files.RegularFiles;
import dev.modelcache.store.RecordFormat;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Whether a cassette file already holds the answer an export is about to write, so that re-recording unchanged
 * answers leaves the folder as it was in git. Two recordings of one answer differ in when they were made
 * ({@code storedAt}) and in how fast its chunks came ({@code atMillis} of each chunk): the file on disk keeps its
 * own, since they change nothing a test relies on (a replay paces by the chunk times, which stay those of a real
 * recording). Everything else (the request, the status, the kept header fields, the usage, the chunk boundaries,
 * the body byte for byte) must be equal; the volatile header fields are already out ({@link CassetteHeaders}).
 */
final class Rerecording {
    private Rerecording() {
    }

    /** True when {@code file} is a record of the same answer as {@code fresh} (a record's bytes). */
    static boolean sameAnswer(Path file, byte[] fresh) throws IOException {
        try {
            RegularFiles.attributes(file); // a regular file, never a FIFO or a link
        } catch (IOException e) {
            return false;
        }
        byte[] old = Files.readAllBytes(file);
        if (Arrays.equals(old, fresh)) {
            return true;
        }
        try {
            RecordFormat.Header before = RecordFormat.readHeader(new ByteArrayInputStream(old));
            RecordFormat.Header after = RecordFormat.readHeader(new ByteArrayInputStream(fresh));
            return withoutTimes(before.json()).equals(withoutTimes(after.json()))
                    && Arrays.equals(old, (int) before.bodyOffset(), old.length, fresh, (int) after.bodyOffset(), fresh.length);
        } catch (IOException | RuntimeException e) {
            return false; // a file that does not read as a record is replaced
        }
    }

    /** The header without {@code storedAt} and with each chunk's end only. */
    private static JsonNode withoutTimes(JsonNode header) {
        ObjectNode copy = header.deepCopy();
        JsonNode response = copy.path("response");
        if (response instanceof ObjectNode object) {
            object.remove("storedAt");
            ArrayNode ends = object.arrayNode();
            for (JsonNode chunk : object.path("chunks")) {
                ends.add(chunk.path(0));
            }
            object.set("chunks", ends);
        }
        return copy;
    }
}
