package dev.modelcache.store;

import static dev.modelcache.store.RecordFixtures.key;
import static dev.modelcache.store.RecordFixtures.plain;
import static dev.modelcache.store.RecordFixtures.request;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.modelcache.cache.CachedResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class RecordFormatConcurrencyTest {
    @Test
    void headersWrittenAtTheSameTimeKeepTheSameIndentation() throws Exception {
        CachedResponse response = plain("{\"x\":1}", 1000);
        String alone = new String(RecordFormat.header(key(1), request(), response, "00"));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> writers = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                writers.add(pool.submit(() -> {
                    for (int n = 0; n < 300; n++) {
                        RecordFormat.header(key(1), request(), response, "00");
                    }
                }));
            }
            for (Future<?> writer : writers) {
                writer.get();
            }
        } finally {
            pool.shutdown();
        }
        assertEquals(alone, new String(RecordFormat.header(key(1), request(), response, "00")));
    }
}
