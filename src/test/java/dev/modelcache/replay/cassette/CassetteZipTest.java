package dev.modelcache.replay.cassette;

import static dev.modelcache.replay.cassette.CassetteFixtures.KEYS;
import static dev.modelcache.replay.cassette.CassetteFixtures.all;
import static dev.modelcache.replay.cassette.CassetteFixtures.openStore;
import static dev.modelcache.replay.cassette.CassetteFixtures.putAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelcache.store.DurableResponseStore;
import dev.modelcache.store.RecordFile;
import dev.modelcache.replay.cassette.CassetteFixtures.Recorded;
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
                    (key, request, response) -> stored.add(key.hex()), KEYS, null, ImportLimits.DEFAULT, null), evil);
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
                (key, request, response) -> true, KEYS, null, new ImportLimits(5_000, 5_000, 1 << 20, 10), null));
        assertTrue(tooBig.getMessage().contains("larger than 5000 bytes"), tooBig.getMessage());
        byte[] many = zipOf("a.mcr", record, "b.mcr", record, "c.mcr", record);
        assertThrows(IOException.class, () -> Cassettes.importZip(new ByteArrayInputStream(many),
                (key, request, response) -> true, KEYS, null, new ImportLimits(1 << 20, 1 << 20, 1 << 20, 2), null));

        byte[] mixed = zipOf("notes.txt", "hello", "x/a.mcr", record);
        ImportResult result = Cassettes.importZip(new ByteArrayInputStream(mixed), (key, request, response) -> true, KEYS,
                null, ImportLimits.DEFAULT, null);
        assertEquals(new ImportResult(1, List.of(), List.of("notes.txt")), result);
    }

    private static final long GIB = 1L << 30;

    private static byte[] record() {
        Recorded entry = CassetteFixtures.plainChat("");
        return RecordFile.bytes(entry.key(), entry.request(), entry.response());
    }

    /** The header of a real record: what a bomb that passes for a record starts with. */
    private static byte[] recordHeader() {
        Recorded entry = CassetteFixtures.plainChat("");
        byte[] all = record();
        return java.util.Arrays.copyOf(all, all.length - entry.response().body().length);
    }

    private ImportLimits.Exceeded refused(byte[] zip, ImportLimits limits, List<String> stored) throws IOException {
        Path unpack = dir.resolve("unpack");
        java.nio.file.Files.createDirectories(unpack);
        ImportLimits.Exceeded e = assertThrows(ImportLimits.Exceeded.class, () -> Cassettes.importZip(
                new ByteArrayInputStream(zip), (key, request, response) -> stored.add(key.hex()), KEYS, null, limits, unpack));
        try (var left = java.nio.file.Files.list(unpack)) {
            assertEquals(List.of(), left.toList(), "nothing is left unpacked");
        }
        return e;
    }

    @Test
    void theZipBombOfTheseTestsIsAValidZip() throws IOException {
        byte[] zip = new dev.modelcache.support.ZipBomb().add("a.mcr", recordHeader(), 3 << 20).add("b.txt", new byte[0], 5).bytes();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            assertEquals("a.mcr", in.getNextEntry().getName());
            byte[] a = in.readAllBytes();
            assertEquals(recordHeader().length + (3 << 20), a.length);
            assertArrayEquals(recordHeader(), java.util.Arrays.copyOf(a, recordHeader().length));
            assertEquals("b.txt", in.getNextEntry().getName());
            assertArrayEquals(new byte[5], in.readAllBytes());
            assertEquals(null, in.getNextEntry());
        }
    }

    @Test
    void aZipBombOfAGibibyteIsRefusedAsItInflatesWithNothingWrittenOrStored() throws IOException {
        byte[] bomb = new dev.modelcache.support.ZipBomb().add("bomb.mcr", new byte[0], GIB).bytes();
        assertTrue(bomb.length < 2 << 20, "a small zip: " + bomb.length);
        List<String> stored = new ArrayList<>();
        ImportLimits.Exceeded e = refused(bomb, ImportLimits.DEFAULT, stored);
        assertTrue(e.getMessage().contains("bomb.mcr is larger than " + ImportLimits.DEFAULT.recordBytes() + " bytes"), e.getMessage());
        assertEquals(List.of(), stored);

        byte[] skipped = new dev.modelcache.support.ZipBomb().add("notes.txt", new byte[0], GIB).bytes();
        assertTrue(refused(skipped, ImportLimits.DEFAULT, stored).getMessage().contains("notes.txt is larger than"),
                "an entry that is skipped is inflated to its end too, and counted");

        ImportLimits small = ImportLimits.forRecords(1 << 20, 64 << 10);
        byte[] record = new dev.modelcache.support.ZipBomb().add("a.mcr", record(), 0).add("looks-right.mcr", recordHeader(), GIB).bytes();
        ImportLimits.Exceeded likeARecord = refused(record, small, stored);
        assertTrue(likeARecord.getMessage().contains("looks-right.mcr is larger than " + small.recordBytes() + " bytes"),
                likeARecord.getMessage());
        assertEquals(List.of(), stored, "nothing stored from a refused zip, not even its good entries");
    }

    @Test
    void anEntryJustOverTheLargestRecordIsRefusedAndOneOfExactlyThatSizeIsImported() throws IOException {
        byte[] record = record();
        byte[] zip = zipOf("a.mcr", new String(record, StandardCharsets.ISO_8859_1));
        ImportResult taken = Cassettes.importZip(new ByteArrayInputStream(zip), (key, request, response) -> true, KEYS, null,
                new ImportLimits(record.length, record.length, GIB, 10), dir);
        assertEquals(1, taken.imported(), taken.toString());
        ImportLimits.Exceeded e = refused(zip, new ImportLimits(record.length - 1, record.length, GIB, 10), new ArrayList<>());
        assertTrue(e.getMessage().contains("larger than " + (record.length - 1) + " bytes"), e.getMessage());
    }

    @Test
    void theBytesOfAllEntriesTogetherAreBounded() throws IOException {
        String record = new String(record(), StandardCharsets.ISO_8859_1);
        byte[] zip = zipOf("a.mcr", record, "b.txt", record, "c.mcr", record);
        long each = record.length();
        ImportLimits.Exceeded e = refused(zip, new ImportLimits(each, each, 3 * each - 1, 10), new ArrayList<>());
        assertTrue(e.getMessage().contains("unpacks to more than " + (3 * each - 1) + " bytes"), e.getMessage());
        assertEquals(2, Cassettes.importZip(new ByteArrayInputStream(zip), (key, request, response) -> true, KEYS, null,
                new ImportLimits(each, each, 3 * each, 10), dir).imported());
    }

    @Test
    void anEntryWhoseDeclaredSizeLiesIsCountedAsItInflates() throws IOException {
        ImportLimits small = ImportLimits.forRecords(1 << 20, 64 << 10);
        byte[] understated = new dev.modelcache.support.ZipBomb().addDeclaring("a.mcr", recordHeader(), 64 << 20, 100).bytes();
        assertTrue(refused(understated, small, new ArrayList<>()).getMessage().contains("a.mcr is larger than "));
        byte[] overstated = new dev.modelcache.support.ZipBomb().addDeclaring("b.mcr", record(), 0, 4_000_000_000L).bytes();
        assertTrue(refused(overstated, small, new ArrayList<>()).getMessage().contains("b.mcr is larger than "),
                "a zip that declares an entry larger than a record is refused before it is inflated");
    }

    @Test
    void theDefaultLimitsAreTheLargestRecordOfADefaultProxyAndAGibibyteInAll() {
        long mib = 1 << 20;
        assertEquals(64 * mib + 2 * 32 * mib + 32 * mib + mib, ImportLimits.DEFAULT.recordBytes(),
                "an answer of cache/maxEntryMB (64 MiB) and its header: twice maxBodyBytes, half the answer for its chunk list, 1 MiB");
        assertEquals(GIB, ImportLimits.DEFAULT.totalBytes());
        assertEquals(2047 * mib + dev.modelcache.store.RecordFormat.maxHeaderBytes(32 * mib, 2047 * mib), ImportLimits.forRecords(2047 * mib, 32 * mib).totalBytes(),
                "one largest record always fits");
    }

    @Test
    void anEntryNameWithANulIsRefusedInTheImportsOwnWords(@TempDir Path folder) {
        IOException refused = assertThrows(IOException.class, () -> CassetteZip.checkedTarget(folder, "a\0.mcr"));
        assertTrue(refused.getMessage().contains("would leave the folder"), refused.getMessage());
        assertTrue(refused.getMessage().indexOf('\0') < 0, "no NUL in the message");
    }
}
