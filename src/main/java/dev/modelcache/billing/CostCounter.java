package dev.modelcache.billing;

import java.math.BigDecimal;
import java.util.concurrent.atomic.LongAdder;

/**
 * The running sum of one ledger line's exchanges that request threads add to at once, without a lock: the count and
 * each kind of token on a {@link LongAdder}, the dollars on an exact {@link UsdSum}. Read as a {@link CostTally} (what
 * the report and the file are made of); a reader may see an exchange half added, and the next read has it whole.
 */
final class CostCounter {
    private final LongAdder count = new LongAdder();
    private final LongAdder input = new LongAdder();
    private final LongAdder output = new LongAdder();
    private final LongAdder cacheRead = new LongAdder();
    private final LongAdder cacheWrite = new LongAdder();
    private final UsdSum usd = new UsdSum();

    /** Counts one exchange of {@code tokens} costing {@code cost}. */
    void add(Tokens tokens, BigDecimal cost) {
        count.increment();
        input.add(tokens.input());
        output.add(tokens.output());
        cacheRead.add(tokens.cacheRead());
        cacheWrite.add(tokens.cacheWrite());
        usd.add(cost);
    }

    /** Adds a tally read from the ledger file. */
    void add(CostTally tally) {
        count.add(tally.count());
        input.add(tally.tokens().input());
        output.add(tally.tokens().output());
        cacheRead.add(tally.tokens().cacheRead());
        cacheWrite.add(tally.tokens().cacheWrite());
        usd.add(tally.usd());
    }

    /** The sum now. */
    CostTally tally() {
        return CostTally.of(count.sum(), new Tokens(input.sum(), output.sum(), cacheRead.sum(), cacheWrite.sum()),
                usd.sum());
    }
}
