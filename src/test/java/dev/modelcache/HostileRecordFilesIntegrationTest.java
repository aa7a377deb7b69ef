package dev.modelcache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelcache.support.FakeUpstream.Reply;
import dev.modelcache.support.ProxyExtension;
import dev.modelcache.support.TestProxy;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Record files changed under a running proxy, or odd things in its record folder, over HTTP: a record is served only
 * for the request it names and only whole; a FIFO, a link or a stray folder among the records is skipped, never
 * opened, and never costs the other entries.
 */
class HostileRecordFilesIntegrationTest {
    static final ObjectMapper JSON = new ObjectMapper();
    /** Past DurableResponseStore.TIER_ENTRY_LIMIT: such answers live in their record file only. */
    static final int LARGE = 3 * 1024 * 1024;

    @RegisterExtension
    final ProxyExtension fixture = new ProxyExtension().with("upstream/responseTimeout", "30"); // a busy machine may take a while over a large answer
    final Map<String, String> answers = new ConcurrentHashMap<>();

    /** A proxy whose upstream answers each request with {@link #answer} of the word in its body, {@code size} bytes. */
    private TestProxy proxy(int size) throws Exception {
        fixture.handler(r -> Reply.json(200, answers.computeIfAbsent(word(r.bodyText()), w -> answer(w, size))));
        return fixture.proxy();
    }

    private static String body(String word) {
        return "{\"model\":\"text-embedding-3-small\",\"input\":\"" + word + "\"}";
    }

    private static String word(String body) {
        int at = body.indexOf("\"input\":\"") + 9;
        return body.substring(at, body.indexOf('"', at));
    }

    /** A JSON answer of {@code size} bytes that names {@code word} and repeats it. */
    static String answer(String word, int size) {
        String head = "{\"object\":\"list\",\"usage\":{\"prompt_tokens\":1,\"total_tokens\":1},\"word\":\"" + word + "\",\"data\":\"";
        int fill = size - head.length() - 2;
        return head + word.repeat(fill / word.length() + 1).substring(0, fill) + "\"}";
    }

    private static HttpResponse<byte[]> post(TestProxy proxy, String word) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(proxy.uri("/v1/embeddings")).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body(word))).build();
        return proxy.client().send(request, HttpResponse.BodyHandlers.ofByteArray());
    }

    private static String cacheStatus(HttpResponse<?> response) {
        return response.headers().firstValue("X-Cache").orElseThrow();
    }

    private static List<Path> records(Path cacheDir) throws IOException {
        try (Stream<Path> files = Files.walk(cacheDir.resolve("records"))) {
            return files.filter(f -> f.toString().endsWith(".mcr")).sorted().toList();
        }
    }

    private static Path recordOf(Path cacheDir, String word) throws IOException {
        for (Path file : records(cacheDir)) {
            try (InputStream in = Files.newInputStream(file)) {
                if (new String(in.readNBytes(4096), StandardCharsets.UTF_8).contains("\"input\" : \"" + word + "\"")) {
                    return file;
                }
            }
        }
        throw new AssertionError("no record for " + word);
    }

    private static long bodyOffset(Path record) throws IOException {
        byte[] start;
        try (InputStream in = Files.newInputStream(record)) {
            start = in.readNBytes(64 * 1024);
        }
        String text = new String(start, StandardCharsets.ISO_8859_1);
        return text.indexOf("\n}\n\n") + 4;
    }

    private static void truncate(Path file, long size) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(size);
        }
    }

    @Test
    void twoRecordFilesSwappedOnDiskAreMissesThatGoUpstreamNeverTheOtherRequestsAnswer() throws Exception {
        TestProxy proxy = proxy(LARGE);
        assertEquals("MISS", cacheStatus(post(proxy, "alpha")));
        assertEquals("MISS", cacheStatus(post(proxy, "bravo")));
        proxy.events().awaitStored(2);
        assertEquals("HIT", cacheStatus(post(proxy, "alpha")), "served from its record file");

        Path alpha = recordOf(fixture.cacheDir(), "alpha");
        Path bravo = recordOf(fixture.cacheDir(), "bravo");
        Path aside = alpha.resolveSibling("aside");
        Files.move(alpha, aside);
        Files.move(bravo, alpha);
        Files.move(aside, bravo);

        for (String word : List.of("alpha", "bravo")) {
            HttpResponse<byte[]> response = post(proxy, word);
            assertEquals(200, response.statusCode());
            assertEquals("MISS", cacheStatus(response), word + ": a record naming another request is not a hit");
            assertArrayEquals(answer(word, LARGE).getBytes(StandardCharsets.US_ASCII), response.body(), word);
        }
        assertEquals(4, fixture.upstream().calls());
        proxy.events().awaitStored(4);
        HttpResponse<byte[]> again = post(proxy, "alpha");
        assertEquals("HIT", cacheStatus(again), "the fresh answer is stored again");
        assertArrayEquals(answer("alpha", LARGE).getBytes(StandardCharsets.US_ASCII), again.body());
    }

    @Test
    void aLargeRecordTruncatedBetweenHitsIsAMissWithAFreshAnswerNotABrokenHit() throws Exception {
        TestProxy proxy = proxy(LARGE);
        byte[] expected = answer("alpha", LARGE).getBytes(StandardCharsets.US_ASCII);
        assertEquals("MISS", cacheStatus(post(proxy, "alpha")));
        proxy.events().awaitStored(1);
        assertArrayEquals(expected, post(proxy, "alpha").body(), "a whole hit first: its SHA-256 is checked now");

        Path record = recordOf(fixture.cacheDir(), "alpha");
        truncate(record, Files.size(record) - LARGE / 2);

        HttpResponse<byte[]> next = post(proxy, "alpha");
        assertEquals("MISS", cacheStatus(next), "found before anything was sent");
        assertArrayEquals(expected, next.body());
        proxy.events().awaitStored(2);
        HttpResponse<byte[]> after = post(proxy, "alpha");
        assertEquals("HIT", cacheStatus(after));
        assertArrayEquals(expected, after.body());
        assertEquals(2, fixture.upstream().calls());
    }

    @Test
    void aRecordTruncatedWhileItIsServedBreaksThatHitAndTheNextRequestIsAMiss() throws Exception {
        int size = 48 * 1024 * 1024; // more than loopback socket buffers hold, so the proxy is still reading when it is cut
        TestProxy proxy = proxy(size);
        byte[] expected = answer("alpha", size).getBytes(StandardCharsets.US_ASCII);
        assertEquals("MISS", cacheStatus(post(proxy, "alpha")));
        proxy.events().awaitStored(1);
        Path record = recordOf(fixture.cacheDir(), "alpha");

        HttpRequest request = HttpRequest.newBuilder(proxy.uri("/v1/embeddings")).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body("alpha"))).build();
        HttpResponse<InputStream> hit = proxy.client().send(request, HttpResponse.BodyHandlers.ofInputStream());
        assertEquals("HIT", cacheStatus(hit));
        long received = 0;
        try (InputStream in = hit.body()) {
            received += in.readNBytes(64 * 1024).length;
            truncate(record, bodyOffset(record) + 1024);
            byte[] buffer = new byte[64 * 1024];
            int n;
            while ((n = in.read(buffer)) != -1) {
                received += n;
            }
        } catch (IOException broken) {
            // The connection was broken off: what a client of a failed answer must see.
        }
        assertTrue(received < size, "the hit was not whole: " + received + " of " + size + " bytes");
        proxy.events().awaitSettled();

        HttpResponse<byte[]> next = post(proxy, "alpha");
        assertEquals("MISS", cacheStatus(next));
        assertArrayEquals(expected, next.body());
        assertEquals(2, fixture.upstream().calls());
    }

    @Test
    void aFifoAmongTheRecordsNeitherHangsTheStartNorCostsTheOtherEntries() throws Exception {
        if (System.getProperty("os.name").toLowerCase(java.util.Locale.ROOT).contains("linux")) {
            assertTrue(mkfifoWorks(), "mkfifo works on Linux");
        } else {
            assumeTrue(mkfifoWorks(), "no mkfifo here");
        }
        TestProxy first = proxy(100);
        for (String word : List.of("alpha", "bravo", "charlie")) {
            assertEquals("MISS", cacheStatus(post(first, word)));
        }
        first.events().awaitStored(3);
        fixture.stop();
        Path folder = recordOf(fixture.cacheDir(), "alpha").getParent();
        mkfifo(folder.resolve("f".repeat(64) + ".mcr"));
        mkfifo(folder.resolve("leftover.mcr-123.tmp"));
        Files.createSymbolicLink(folder.resolve("e".repeat(64) + ".mcr"), recordOf(fixture.cacheDir(), "bravo"));

        TestProxy second = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> proxy(100),
                "the start opened a FIFO and waits for a writer that never comes");
        assertEquals(3, JSON.readTree(second.get("/_cache/entries").body()).get("count").asInt());
        assertEquals("HIT", cacheStatus(post(second, "charlie")));
        assertTrue(Files.exists(folder.resolve("leftover.mcr-123.tmp")), "only regular leftovers are deleted");
    }

    @Test
    void aStrayTmpFolderAmongSixRecordsLeavesAllSixListedAndExported() throws Exception {
        TestProxy first = proxy(100);
        List<String> words = List.of("alpha", "bravo", "charlie", "delta", "echo", "foxtrot");
        for (String word : words) {
            assertEquals("MISS", cacheStatus(post(first, word)));
        }
        first.events().awaitStored(6);
        fixture.stop();
        Path folder = recordOf(fixture.cacheDir(), "alpha").getParent();
        Path stray = Files.createDirectory(folder.resolve("x.tmp"));
        Files.writeString(stray.resolve("note"), "not ours");
        Files.createDirectory(fixture.cacheDir().resolve("records").resolve("y.tmp"));
        Files.writeString(fixture.cacheDir().resolve("records").resolve("y.tmp").resolve("note"), "not ours either");

        TestProxy second = proxy(100);
        assertEquals(6, JSON.readTree(second.get("/_cache/entries").body()).get("count").asInt());
        assertEquals(6, JSON.readTree(second.get("/_cache/stats").body()).at("/store/entries").asInt());
        HttpResponse<byte[]> zip = second.client().send(HttpRequest.newBuilder(second.uri("/_cache/export")).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, zip.statusCode());
        assertEquals(6, zipEntries(zip.body()));
        for (String word : words) {
            assertEquals("HIT", cacheStatus(post(second, word)), word);
        }
        assertTrue(Files.exists(stray.resolve("note")), "a folder that is not ours is left alone");
        assertEquals(6, fixture.upstream().calls());
    }

    private static int zipEntries(byte[] zip) throws IOException {
        int count = 0;
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                if (!entry.isDirectory() && entry.getName().endsWith(".mcr")) {
                    count++;
                }
            }
        }
        return count;
    }

    static boolean mkfifoWorks() {
        try {
            Path probe = Files.createTempDirectory("fifo-probe");
            try {
                mkfifo(probe.resolve("p"));
                return true;
            } finally {
                Files.deleteIfExists(probe.resolve("p"));
                Files.delete(probe);
            }
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    static void mkfifo(Path path) throws IOException {
        try {
            Process process = new ProcessBuilder("mkfifo", path.toString()).redirectErrorStream(true).start();
            if (!process.waitFor(10, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IOException("mkfifo " + path + " failed");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        assertFalse(Files.isRegularFile(path));
    }
}
