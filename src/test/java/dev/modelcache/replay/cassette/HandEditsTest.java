package dev.modelcache.replay.cassette;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelcache.cache.Body;
import dev.modelcache.cache.CachedResponse;
import dev.modelcache.cache.RequestRecord;
import dev.modelcache.http.Headers;
import dev.modelcache.store.RecordFile;
import dev.modelcache.stream.Chunk;
import dev.modelcache.tokens.Usage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HandEditsTest {
    @TempDir
    Path dir;

    @Test
    void aStreamCutShortByAnEditEndsItsLastChunkAtTheNewEnd() throws IOException {
        CassetteFixtures.Recorded entry = CassetteFixtures.streamedChat("");
        Path file = dir.resolve("stream.mcr");
        RecordFile.write(file, entry.key(), entry.request(), entry.response());
        String text = Files.readString(file);
        String second = "data: {\"choices\":[{\"delta\":{\"content\":\" 2\"}}]}\n\n";
        assertTrue(text.contains(second));
        String edited = text.replace(second, ""); // the second event removed
        Files.writeString(file, edited);
        assertThrows(IOException.class, () -> RecordFile.read(file), "the cache's own reading stays strict");
        CachedResponse read = HandEdits.read(file, Long.MAX_VALUE, true).response();
        String first = "data: {\"choices\":[{\"delta\":{\"content\":\"1\"}}]}\n\n";
        assertEquals(first + "data: [DONE]\n\n", new String(read.body(), StandardCharsets.UTF_8));
        assertEquals(List.of(new Chunk(first.length(), 0), new Chunk((int) read.bodyLength(), 80)), read.chunks(),
                "the chunks past the new end are gone, the last ends at it with the last time");
    }

    @Test
    void aLargeEditedCassetteIsHashedThroughABufferAndServedFromItsFile() throws IOException {
        byte[] big = ("{\"text\":\"" + "a".repeat(RecordFile.IN_MEMORY_BYTES + 10) + "\"}").getBytes(StandardCharsets.UTF_8);
        CassetteFixtures.Recorded entry = CassetteFixtures.plainChat("");
        CachedResponse answer = new CachedResponse(200, Headers.of("Content-Type", "application/json"), big, List.of(),
                1_700_000_000_000L, Usage.NONE, "openai", "gpt-4o");
        Path file = dir.resolve("big.mcr");
        RecordFile.write(file, entry.key(), entry.request(), answer);
        Files.writeString(file, Files.readString(file).replace("aaa\"}", "b\"}"));
        RecordFile.Contents read = HandEdits.read(file, Long.MAX_VALUE, false);
        assertTrue(read.response().bodySource() instanceof Body.InFile, "not held in memory");
        assertEquals(big.length - 2, read.response().bodyLength());
        byte[] body = read.response().body();
        assertArrayEquals("b\"}".getBytes(StandardCharsets.UTF_8), java.util.Arrays.copyOfRange(body, body.length - 3, body.length));
        RequestRecord request = read.request();
        assertEquals(entry.request().body(), request.body());
    }

    @Test
    void aHeaderWithoutItsBlankLineIsStillRefused() throws IOException {
        CassetteFixtures.Recorded entry = CassetteFixtures.plainChat("");
        Path file = dir.resolve("plain.mcr");
        RecordFile.write(file, entry.key(), entry.request(), entry.response());
        Files.writeString(file, Files.readString(file).replaceFirst("}\n\n\\{", "}\n{"));
        IOException e = assertThrows(IOException.class, () -> HandEdits.read(file, Long.MAX_VALUE, true));
        assertTrue(e.getMessage().contains("torn record"), e.getMessage());
    }
}
