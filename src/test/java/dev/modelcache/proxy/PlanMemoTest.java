package dev.modelcache.proxy;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelcache.http.Exchange;
import dev.modelcache.http.Headers;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The memo of plans stays bounded, keeps what is used, and never keeps a large body's plan. */
class PlanMemoTest {
    private static Exchange exchange(String body) {
        return new Exchange("POST", "/v1/chat/completions", null, Headers.of("Content-Type", "application/json"),
                body.getBytes(StandardCharsets.UTF_8));
    }

    private static PlanMemo.Plan plan() {
        return new PlanMemo.Plan(null, "m", true, false, null, null, null);
    }

    @Test
    void staysBoundedAndGivesAUsedPlanASecondChance() {
        PlanMemo memo = new PlanMemo();
        PlanMemo.Plan kept = plan();
        memo.remember(PlanMemo.of(exchange("{\"n\":-1}")), kept);
        for (int i = 0; i < 3 * PlanMemo.MAX_ENTRIES; i++) {
            assertSame(kept, memo.find(PlanMemo.of(exchange("{\"n\":-1}"))));
            memo.remember(PlanMemo.of(exchange("{\"n\":" + i + "}")), plan());
            assertTrue(memo.size() <= PlanMemo.MAX_ENTRIES, "at most " + PlanMemo.MAX_ENTRIES + " plans");
        }
        assertNotNull(memo.find(PlanMemo.of(exchange("{\"n\":-1}"))), "a plan in use is not evicted");
    }

    @Test
    void aLargeBodyIsNotRemembered() {
        assertNull(PlanMemo.of(exchange("\"" + "x".repeat(PlanMemo.MAX_BODY_BYTES) + "\"")));
        assertNotNull(PlanMemo.of(exchange("\"" + "x".repeat(PlanMemo.MAX_BODY_BYTES - 2) + "\"")));
    }
}
