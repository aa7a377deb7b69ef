package dev.modelcache.billing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelcache.events.ExchangeSummary;
import dev.modelcache.http.CacheStatus;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cost ledger counts an exchange without a lock (issue 19): a request thread does not wait for the file writer
 * or a report, and what many threads count at once adds up exactly, and is written and read back whole.
 */
class LockFreeLedgerTest {
    @TempDir
    Path cacheDir;

    @Test
    void anExchangeIsCountedWhileAnotherThreadHoldsTheLedgersMonitor() throws Exception {
        CostLedger ledger = CostLedger.inMemory(CostLedgerTest.PRICING.checked(), CostLedgerTest.NOON);
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread holder = new Thread(() -> {
            synchronized (ledger) {
                held.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        holder.start();
        assertTrue(held.await(30, TimeUnit.SECONDS));
        CountDownLatch counted = new CountDownLatch(1);
        Thread request = new Thread(() -> {
            ledger.exchangeEnded(CostLedgerTest.exchange("gpt-4o-mini", CacheStatus.HIT, false, 1000, 500, "alice"));
            counted.countDown();
        });
        request.start();
        try {
            assertTrue(counted.await(30, TimeUnit.SECONDS), "the request thread waited for the ledger's monitor");
        } finally {
            release.countDown();
            holder.join();
            request.join();
        }
        CostLedgerTest.assertUsd("0.00045", ledger.report().at("/total/saved/usd"));
    }

    @Test
    void exchangesCountedAtOnceAddUpExactlyAndSurviveTheFile() throws Exception {
        CostLedger ledger = CostLedger.open(cacheDir, "checked", CostLedgerTest.NOON);
        String[] models = {"gpt-4o-mini", "gpt-4o", "claude-3-5-haiku-latest", "no-such-model"};
        int threads = 4;
        int each = 1_500;
        List<ExchangeSummary> all = new ArrayList<>();
        for (int i = 0; i < threads * each; i++) {
            all.add(CostLedgerTest.exchange(models[i % models.length], i % 3 == 0 ? CacheStatus.MISS : CacheStatus.HIT,
                    false, i % 1000, i % 333, "caller-" + i % 5));
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                List<ExchangeSummary> mine = all.subList(t * each, (t + 1) * each);
                done.add(pool.submit(() -> mine.forEach(ledger::exchangeEnded)));
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        ledger.close();
        BigDecimal saved = BigDecimal.ZERO;
        BigDecimal spent = BigDecimal.ZERO;
        for (ExchangeSummary e : all) {
            if (e.cacheStatus() == CacheStatus.HIT) {
                saved = saved.add(e.usd());
            } else {
                spent = spent.add(e.usd());
            }
        }
        for (CostLedger read : List.of(ledger, CostLedger.open(cacheDir, "checked", CostLedgerTest.NOON))) {
            JsonNode total = read.report().path("total");
            assertEquals(threads * each, total.at("/saved/count").asLong() + total.at("/spent/count").asLong());
            assertEquals(saved.stripTrailingZeros(), total.at("/saved/usd").decimalValue());
            assertEquals(spent.stripTrailingZeros(), total.at("/spent/usd").decimalValue());
            assertEquals(0, spent.compareTo(read.spentToday().usd()));
            assertTrue(read.report().path("unpriced").toString().contains("no-such-model"));
        }
    }
}
