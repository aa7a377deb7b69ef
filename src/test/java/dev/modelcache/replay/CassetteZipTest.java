package dev.modelcache.replay;

import static dev.modelcache.replay.CassetteFixtures.KEYS;
import static dev.modelcache.replay.CassetteFixtures.all;
import static dev.modelcache.replay.CassetteFixtures.openStore;
import static dev.modelcache.replay.CassetteFixtures.putAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelcache.cache.DurableResponseStore;
import dev.modelcache.cache.RecordFile;
import dev.modelcache.replay.CassetteFixtures.Recorded;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CassetteZipTest {
    @TempDir
    Path dir;

    private byte[] exportZip() throws IOException {
        ByteArrayOutputStream zip = new ByteArrayOutputStream();
        try (DurableResponseStore store = openStore(dir.resolve("cache"))) {
            assertEquals(8, Cassettes.exportZip(store, CassetteFilter.ALL, zip, KEYS).exported());
        }
        return zip.toByteArray();
    }

    private static byte[] zipOf(String... namesAndContents) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (int i = 0; i < namesAndContents.length; i += 2) {
                zip.putNextEntry(new ZipEntry(namesAndContents[i]));
                zip.write(namesAndContents[i + 1].getBytes(StandardCharsets.ISO_8859_1));
                zip.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    @Test
    void aZipRoundTripGivesTheSameAnswersAndTheSameZipTwice() throws IOException {
        try (DurableResponseStore store = openStore(dir.resolve("cache"))) {
            putAll(store, all(""));
            putAll(store, all("suite-a"));
        }
        byte[] zip = exportZip();
        assertArrayEquals(zip, exportZip(), "the same entries give the same zip");
        List<String> names = new ArrayList<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                names.add(e.getName());
            }
        }
        assertEquals(names.stream().sorted().toList(), names, "in file name order");
        assertTrue(names.get(0).startsWith("_default/openai/"), names.toString());

        try (DurableResponseStore store = openStore(dir.resolve("fresh"))) {
            ImportResult result = Cassettes.importZip(new ByteArrayInputStream(zip), store, KEYS, null);
            assertEquals(new ImportResult(8, List.of(), List.of()), result);
            for (Recorded entry : all("suite-a")) {
                assertArrayEquals(entry.response().body(), store.get(entry.sharedKey()).orElseThrow().body());
            }
        }
    }

    @Test
    void aZipWithAnEntryThatWouldLeaveItsFolderIsRefusedWholeBeforeAnythingIsStored() throws IOException {
        Recorded entry = CassetteFixtures.plainChat("");
        String record = new String(RecordFile.bytes(entry.key(), entry.request(), entry.response()), StandardCharsets.ISO_8859_1);
        for (String evil : List.of("../evil.mcr", "a/../../evil.mcr", "/etc/evil.mcr", "a\\..\\evil.mcr", "C:/evil.mcr")) {
            byte[] zip = zipOf("good.mcr", record, evil, record);
            List<String> stored = new ArrayList<>();
            IOException e = assertThrows(IOException.class, () -> Cassettes.importZip(new ByteArrayInputStream(zip),
                    (key, request, response) -> stored.add(key.hex()), KEYS, null, ZipLimits.DEFAULT), evil);
            assertTrue(e.getMessage().contains(evil), e.getMessage());
            assertEquals(List.of(), stored, "nothing stored from a refused zip");
        }
    }

    @Test
    void aZipLargerThanItsLimitsIsRefusedAndOtherFilesAreSkipped() throws IOException {
        Recorded entry = CassetteFixtures.plainChat("");
        String record = new String(RecordFile.bytes(entry.key(), entry.request(), entry.response()), StandardCharsets.ISO_8859_1);
        byte[] big = zipOf("a.mcr", record + "x".repeat(10_000));
        IOException tooBig = assertThrows(IOException.class, () -> Cassettes.importZip(new ByteArrayInputStream(big),
                (key, request, response) -> true, KEYS, null, new ZipLimits(5_000, 1 << 20, 10)));
        assertTrue(tooBig.getMessage().contains("larger than 5000 bytes"), tooBig.getMessage());
        byte[] many = zipOf("a.mcr", record, "b.mcr", record, "c.mcr", record);
        assertThrows(IOException.class, () -> Cassettes.importZip(new ByteArrayInputStream(many),
                (key, request, response) -> true, KEYS, null, new ZipLimits(1 << 20, 1 << 20, 2)));

        byte[] mixed = zipOf("notes.txt", "hello", "x/a.mcr", record);
        ImportResult result = Cassettes.importZip(new ByteArrayInputStream(mixed), (key, request, response) -> true, KEYS,
                null, ZipLimits.DEFAULT);
        assertEquals(new ImportResult(1, List.of(), List.of("notes.txt")), result);
    }
}
