package dev.modelcache.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.modelcache.cache.CacheKey;
import dev.modelcache.cache.CachedResponse;
import dev.modelcache.stream.Chunk;
import dev.modelcache.store.RecordFile;
import dev.modelcache.cache.RequestRecord;
import dev.modelcache.http.Exchange;
import dev.modelcache.http.Headers;
import dev.modelcache.replay.cassette.Cassettes;
import dev.modelcache.replay.cassette.ImportLimits;
import dev.modelcache.tokens.Usage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;

/**
 * The record and cassette decoders, fed valid records mutated: bits flipped, cut short, bytes appended, header
 * values replaced by hostile ones of the same length (so the body still lines up and the value reaches the
 * decoder), zips with odd entry names or damaged bytes. A decoder either gives an entry whose body is what was
 * recorded, or fails with its documented IOException (an import: a refusal); never another exception, never a hang,
 * never memory out of proportion to the input.
 */
@AddLifecycleHook(FuzzTries.class)
class RecordFuzzTest {
    private static final long MAX_BYTES = 128L << 20;
    private static final Pattern HEADER_VALUE = Pattern.compile("(-?[0-9][0-9.eE+-]*|\"[^\"\\\\]*\"|true|false|null)");
    private static final List<String> HOSTILE = List.of("-1", "0", "1e999999999", "-0", "2147483648", "9e18",
            "1.5", "null", "true", "\"x\"", "[]", "{}", "\"\"", "-2147483649", "1e-999999999", "99999999999999999999",
            "[[1,1],[0,0]]", "[2147483647,0]");

    /** A valid record: a request from the JSON generator and an answer of random bytes in random chunks. */
    record Valid(byte[] bytes, byte[] body) {
    }

    @Provide
    Arbitrary<Valid> records() {
        return Combinators.combine(JsonGen.bodies(), Arbitraries.bytes().array(byte[].class).ofMaxSize(400),
                        Arbitraries.integers().between(1, 5), Arbitraries.of(200, 201, 299),
                        Arbitraries.of("application/json", "text/event-stream"))
                .as((request, body, pieces, status, type) -> {
                    Exchange exchange = new Exchange("POST", "/v1/chat/completions", null,
                            Headers.of("Content-Type", "application/json", "Authorization", "Bearer sk-1"),
                            JsonGen.write(request).getBytes(StandardCharsets.UTF_8));
                    RequestRecord record = RequestRecord.of(Targets.OPENAI, exchange, Targets.KEYS);
                    List<Chunk> chunks = new ArrayList<>();
                    for (int i = 1; i <= pieces; i++) {
                        chunks.add(new Chunk(body.length * i / pieces, i * 10));
                    }
                    CachedResponse response = new CachedResponse(status, Headers.of("Content-Type", type), body,
                            chunks, 1_700_000_000_000L, new Usage(12, 34, false, 0, 0), "openai", exchange.model());
                    return new Valid(RecordFile.bytes(Targets.KEYS.create(record), record, response), body);
                });
    }

    /** One damage to a record's bytes, chosen by kind and a seed. */
    record Mutation(int kind, long seed) {
        byte[] applyTo(byte[] bytes) {
            Random random = new Random(seed);
            byte[] out = bytes.clone();
            switch (kind) {
                case 0 -> { // bit flips anywhere
                    for (int n = 1 + random.nextInt(4); n > 0 && out.length > 0; n--) {
                        out[random.nextInt(out.length)] ^= (byte) (1 << random.nextInt(8));
                    }
                }
                case 1 -> out = Arrays.copyOf(out, random.nextInt(out.length + 1)); // cut short
                case 2 -> { // bytes appended
                    byte[] more = new byte[1 + random.nextInt(64)];
                    random.nextBytes(more);
                    out = Arrays.copyOf(out, out.length + more.length);
                    System.arraycopy(more, 0, out, bytes.length, more.length);
                }
                case 3 -> out = replaceHeaderValue(out, random, true);
                case 4 -> out = replaceHeaderValue(out, random, false);
                default -> { // the first line or the blank line
                    String text = new String(out, StandardCharsets.ISO_8859_1);
                    text = random.nextBoolean() ? text.replaceFirst("modelcache-record 1", "modelcache-record " + random.nextInt(3))
                            : text.replaceFirst("\\}\n\n", "}\n \n");
                    out = text.getBytes(StandardCharsets.ISO_8859_1);
                }
            }
            return out;
        }

        /** A value in the header replaced by a hostile one, padded with spaces to its length when {@code sameLength}. */
        private static byte[] replaceHeaderValue(byte[] bytes, Random random, boolean sameLength) {
            String text = new String(bytes, StandardCharsets.ISO_8859_1);
            int headerEnd = text.indexOf("\n}\n\n");
            if (headerEnd < 0) {
                return bytes;
            }
            List<int[]> values = new ArrayList<>();
            Matcher m = HEADER_VALUE.matcher(text).region(text.indexOf('\n') + 1, headerEnd);
            while (m.find()) {
                values.add(new int[] {m.start(), m.end()});
            }
            int[] at = values.get(random.nextInt(values.size()));
            String hostile = HOSTILE.get(random.nextInt(HOSTILE.size()));
            int length = at[1] - at[0];
            if (sameLength && hostile.length() < length) {
                hostile = hostile + " ".repeat(length - hostile.length());
            }
            return (text.substring(0, at[0]) + hostile + text.substring(at[1])).getBytes(StandardCharsets.ISO_8859_1);
        }
    }

    @Provide
    Arbitrary<Mutation> mutations() {
        return Combinators.combine(Arbitraries.integers().between(0, 5), Arbitraries.longs()).as(Mutation::new);
    }

    @Property(tries = 400)
    void aMutatedRecordIsReadWhole(@ForAll("records") Valid valid, @ForAll("mutations") Mutation mutation,
                                   @ForAll("mutations") Mutation another) throws Exception {
        byte[] damaged = another.applyTo(mutation.applyTo(valid.bytes()));
        decodesOrFailsWithIOException(damaged, valid.body());
    }

    /**
     * A record read whole answers with an HTTP status: a header whose status is out of range (or not an integer:
     * {@code 2e9}, {@code 9e18}, {@code 1.5}) is as unreadable as one that does not parse.
     */
    @Property(tries = 400)
    void aRecordReadWholeHasAnHttpStatus(@ForAll("records") Valid valid, @ForAll("mutations") Mutation mutation)
            throws Exception {
        byte[] damaged = mutation.applyTo(valid.bytes());
        Bounded.call(MAX_BYTES, () -> {
            try {
                int status = RecordFile.parse(damaged).response().status();
                assertTrue(status >= 100 && status <= 599, "a record read whole has an HTTP status, not " + status);
            } catch (IOException refused) {
                // the documented failure
            }
            return null;
        });
    }

    @Example
    void aRecordWithStatus2e9IsRefused() {
        byte[] record = Corpus.bytes("records").stream().filter(b -> new String(b, StandardCharsets.ISO_8859_1)
                .contains("\"status\" : 2e9")).findFirst().orElseThrow();
        org.junit.jupiter.api.Assertions.assertThrows(IOException.class, () -> RecordFile.parse(record));
    }

    @Example
    void theCorpusOfRecordsIsReadOrRefused() throws Exception {
        for (byte[] record : Corpus.bytes("records")) {
            decodesOrFailsWithIOException(record, null);
        }
    }

    private static void decodesOrFailsWithIOException(byte[] damaged, byte[] recordedBody) throws Exception {
        Bounded.call(MAX_BYTES, () -> {
            RecordFile.Contents contents;
            try {
                contents = RecordFile.parse(damaged);
            } catch (IOException refused) {
                return null;
            } catch (RuntimeException e) {
                return fail("RecordFile.parse threw " + e, e);
            }
            if (recordedBody != null) {
                assertArrayEquals(recordedBody, contents.response().body(), "a record read whole has the recorded body");
            }
            return null;
        });
        Path file = Files.createTempFile("fuzz-", ".mcr");
        try {
            Files.write(file, damaged);
            Bounded.call(MAX_BYTES, () -> {
                try {
                    RecordFile.readHead(file);
                } catch (IOException refused) {
                    return null;
                } catch (RuntimeException e) {
                    return fail("RecordFile.readHead threw " + e, e);
                }
                return null;
            });
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @Provide
    Arbitrary<String> entryNames() {
        return Arbitraries.oneOf(
                Arbitraries.of("_default/openai/v1-chat-completions/gpt-4o-0123456789ab.mcr", "a.mcr", "../a.mcr",
                        "/a.mcr", "a\\b.mcr", "c:/a.mcr", "a//b.mcr", "./a.mcr", "a/./b.mcr", "notes.txt", "dir/",
                        "a\u0000.mcr", "\u00e9/\ud83d\ude00.mcr", ".mcr"),
                Arbitraries.strings().withChars("a/.\\:").ofMinLength(1).ofMaxLength(6).map(s -> s + ".mcr"));
    }

    /**
     * A zip of records, some damaged, under odd names, maybe with its own bytes damaged: the import gives a result
     * (entries imported or refused) or fails with an IOException, and every entry it stores has a recorded body, or
     * the body the damaged record holds after its header (a cassette's body may be edited by hand).
     */
    @Property(tries = 200)
    void aMutatedCassetteZipImportsOrIsRefused(@ForAll("records") Valid a, @ForAll("records") Valid b,
                                               @ForAll("entryNames") String nameA, @ForAll("entryNames") String nameB,
                                               @ForAll("mutations") Mutation ofRecord, @ForAll boolean damageRecord,
                                               @ForAll("mutations") Mutation ofZip, @ForAll boolean damageZip)
            throws Exception {
        byte[] recordA = damageRecord ? ofRecord.applyTo(a.bytes()) : a.bytes();
        ByteArrayOutputStream zipped = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(zipped)) {
            zip.putNextEntry(new ZipEntry(nameA));
            zip.write(recordA);
            zip.closeEntry();
            if (!nameB.equals(nameA) || nameA.hashCode() % 2 == 0) {
                zip.putNextEntry(new ZipEntry(nameB));
                zip.write(b.bytes());
                zip.closeEntry();
            }
        } catch (java.util.zip.ZipException duplicate) {
            return;
        }
        byte[] bytes = damageZip ? ofZip.applyTo(zipped.toByteArray()) : zipped.toByteArray();
        List<byte[]> bodies = new ArrayList<>(List.of(a.body(), b.body()));
        bodyAfterHeader(recordA).ifPresent(bodies::add); // a cassette's body is taken as edited (HandEdits)
        importsOrRefuses(bytes, bodies);
    }

    @Example
    void theCorpusOfCassettesImportsOrIsRefused() throws Exception {
        for (byte[] zip : Corpus.bytes("cassettes")) {
            importsOrRefuses(zip, null);
        }
    }

    private static void importsOrRefuses(byte[] zip, List<byte[]> recordedBodies) throws Exception {
        List<byte[]> stored = new ArrayList<>();
        Bounded.call(MAX_BYTES, () -> {
            try {
                Cassettes.importZip(new ByteArrayInputStream(zip), (key, request, response) -> {
                    stored.add(response.body());
                    return true;
                }, Targets.KEYS, null, new ImportLimits(1 << 20, 64 << 10, 4 << 20, 100), null);
            } catch (IOException | IllegalArgumentException refused) {
                return null; // both are the import endpoint's 400 invalid_cassettes
            } catch (RuntimeException e) {
                return fail("Cassettes.importZip threw " + e, e);
            }
            return null;
        });
        if (recordedBodies != null) {
            for (byte[] body : stored) {
                assertTrue(recordedBodies.stream().anyMatch(r -> Arrays.equals(r, body)),
                        "an imported entry has a body that was recorded");
            }
        }
    }

    /** What follows the header's blank line in {@code record}, when its header reads. */
    private static java.util.Optional<byte[]> bodyAfterHeader(byte[] record) {
        try {
            long offset = dev.modelcache.store.RecordFormat.readHeader(new ByteArrayInputStream(record)).bodyOffset();
            return offset <= record.length ? java.util.Optional.of(Arrays.copyOfRange(record, (int) offset, record.length))
                    : java.util.Optional.empty();
        } catch (IOException | RuntimeException e) {
            return java.util.Optional.empty();
        }
    }

    static CacheKey keyOf(byte[] record) throws IOException {
        return RecordFile.parse(record).key();
    }
}
