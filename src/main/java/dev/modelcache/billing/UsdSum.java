package dev.modelcache.billing;

import java.math.BigDecimal;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * An exact running sum of US dollar amounts that many request threads add to at once without a lock: each amount is
 * counted in units of 10<sup>-{@value #SCALE}</sup> USD on a {@link LongAdder} (striped, so threads do not contend),
 * which holds every price of the shipped table exactly (prices per million tokens with up to four decimals). An amount
 * finer than that unit, or too large for a long, is added to an exact {@link BigDecimal} remainder instead (by
 * compare-and-set, still without a lock), so {@link #sum()} is always exactly the {@code BigDecimal} sum of what was
 * added. A BigDecimal sum under a lock made every exchange wait for the others' additions.
 */
public final class UsdSum {
    /** Decimal places of the counting unit: 10<sup>-10</sup> USD, up to about 922 million USD in a long. */
    static final int SCALE = 10;

    private final LongAdder units = new LongAdder();
    private final AtomicReference<BigDecimal> rest = new AtomicReference<>(BigDecimal.ZERO);

    /** Adds {@code usd} (null counts as nothing). */
    public void add(BigDecimal usd) {
        if (usd == null || usd.signum() == 0) {
            return;
        }
        if (usd.scale() <= SCALE && usd.precision() - usd.scale() < 9) {
            // at most 8 digits before the point: the value times 10^SCALE fits a long. Moving the point and widening
            // the scale to 0 keeps a small value in BigDecimal's compact long form, which longValueExact reads
            // directly: no BigInteger of the unscaled value is made (several adds per exchange made one each).
            units.add(usd.scaleByPowerOfTen(SCALE).setScale(0).longValueExact());
            return;
        }
        rest.accumulateAndGet(usd, BigDecimal::add);
    }

    /** Adds another sum's current value. */
    public void add(UsdSum other) {
        units.add(other.units.sum());
        BigDecimal more = other.rest.get();
        if (more.signum() != 0) {
            rest.accumulateAndGet(more, BigDecimal::add);
        }
    }

    /** The exact sum so far (not trailing-zero stripped: callers show it as they always did). */
    public BigDecimal sum() {
        BigDecimal whole = BigDecimal.valueOf(units.sum(), SCALE);
        BigDecimal more = rest.get();
        return more.signum() == 0 ? whole : whole.add(more);
    }
}
