package dev.modelcache.store;

import dev.modelcache.cache.CachedResponse;
import dev.modelcache.files.FileTrees;
import dev.modelcache.http.Headers;
import dev.modelcache.store.ehcache.EhcacheResponseStore;
import dev.modelcache.stream.Chunk;
import dev.modelcache.tokens.Usage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Not a test: how long a start after a crash takes with 10,000 entries in the record. Writes 10,000 records
 * (4 in 5 plain answers of about 2 KB, 1 in 5 streams of 60 events), then opens the record folder (reading every
 * header into the index) and the whole store (Ehcache included, its folder gone as after kill -9), three times
 * each. Run with (exec:java would start the launcher: the pom fixes its main class)
 * <pre>
 * mvn -q test-compile dependency:build-classpath -Dmdep.outputFile=target/test-cp.txt -Dmdep.includeScope=test
 * java -cp target/test-classes:target/classes:$(cat target/test-cp.txt) dev.modelcache.store.RecordOpenBenchmark
 * </pre>
 * The figures go to {@code target/bench/record-open.txt}; a run's figures are kept in {@code bench/record-open.txt}.
 */
public final class RecordOpenBenchmark {
    private RecordOpenBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        int entries = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        Path dir = Files.createTempDirectory("modelcache-bench");
        List<String> lines = new ArrayList<>();
        try {
            RecordStore writer = new RecordStore(dir.resolve("records"), Duration.ZERO, Long.MAX_VALUE);
            writer.open();
            long start = System.nanoTime();
            for (int i = 0; i < entries; i++) {
                writer.put(RecordFixtures.key(i), RecordFixtures.request("openai", "gpt-4o-mini", "/v1/chat/completions",
                        "0123456789abcdef"), i % 5 == 0 ? stream(i) : plain(i));
            }
            double writeSeconds = seconds(start);
            lines.add(Instant.now() + " " + entries + " records, " + writer.bytes() / (1024 * 1024) + " MB on disk");
            lines.add(String.format("write (each fsync'ed): %.2f s, %.2f ms per record", writeSeconds, writeSeconds * 1000 / entries));
            for (int run = 1; run <= 3; run++) {
                start = System.nanoTime();
                RecordStore reader = new RecordStore(dir.resolve("records"), Duration.ZERO, Long.MAX_VALUE);
                reader.open();
                lines.add(String.format("open the record (index every header), run %d: %.2f s, %d entries", run, seconds(start), reader.count()));
            }
            for (int run = 1; run <= 3; run++) {
                FileTrees.delete(dir.resolve("ehcache"));
                start = System.nanoTime();
                try (DurableResponseStore store = EhcacheResponseStore.durable(dir, 32 * 1024, 0, 1024, Duration.ZERO, Long.MAX_VALUE)) {
                    lines.add(String.format("open the whole store after a crash (Ehcache too), run %d: %.2f s, %d entries",
                            run, seconds(start), store.stats().entries()));
                    start = System.nanoTime();
                    for (int i = 0; i < entries; i++) {
                        store.get(RecordFixtures.key(i)).orElseThrow();
                    }
                    lines.add(String.format("  then read every entry back from the record: %.2f s", seconds(start)));
                }
            }
            lines.add("java " + System.getProperty("java.version") + ", " + Runtime.getRuntime().availableProcessors()
                    + " cores, " + System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        } finally {
            FileTrees.delete(dir);
        }
        Path out = Path.of("target", "bench", "record-open.txt");
        Files.createDirectories(out.getParent());
        Files.write(out, lines, StandardCharsets.UTF_8);
        lines.forEach(System.out::println);
    }

    private static CachedResponse plain(int i) {
        String body = "{\"id\":\"chatcmpl-" + i + "\",\"object\":\"chat.completion\",\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,"
                + "\"message\":{\"role\":\"assistant\",\"content\":\"" + "word ".repeat(350) + "\"},\"finish_reason\":\"stop\"}],"
                + "\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":350,\"total_tokens\":362}}";
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return new CachedResponse(200, Headers.of("Content-Type", "application/json", "x-request-id", "req_" + i), bytes,
                List.of(new Chunk(bytes.length, 0)), System.currentTimeMillis(), new Usage(12, 350, false), "openai", "gpt-4o-mini");
    }

    private static CachedResponse stream(int i) {
        StringBuilder body = new StringBuilder();
        List<Chunk> chunks = new ArrayList<>();
        for (int e = 0; e < 60; e++) {
            body.append("data: {\"id\":\"chatcmpl-").append(i).append("\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,"
                    + "\"delta\":{\"content\":\"word \"},\"finish_reason\":null}]}\n\n");
            chunks.add(new Chunk(body.length(), e * 20));
        }
        body.append("data: [DONE]\n\n");
        chunks.add(new Chunk(body.length(), 1200));
        byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
        return new CachedResponse(200, Headers.of("Content-Type", "text/event-stream; charset=utf-8"), bytes, chunks,
                System.currentTimeMillis(), new Usage(12, 60, true), "openai", "gpt-4o-mini");
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
