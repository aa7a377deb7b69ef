package dev.modelcache.support;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

/**
 * A clock that stands still until a test moves it, for expiry and {@code max-age} tests that would otherwise sleep
 * on the real clock. Hand it to the stores (or to {@link TestProxy#start(java.util.Map, Clock)}), then
 * {@link #advance} it past a lifetime. Safe to read from the proxy's threads while a test moves it.
 */
public final class TestClock extends Clock {
    private volatile Instant now;

    /** Starts at the real time now (in whole milliseconds, as entries are stored), so stored times look real. */
    public TestClock() {
        this(Instant.now().truncatedTo(ChronoUnit.MILLIS));
    }

    public TestClock(Instant start) {
        this.now = start;
    }

    /** Moves the time on by {@code step} (never back). */
    public synchronized void advance(Duration step) {
        if (step.isNegative()) {
            throw new IllegalArgumentException("a test clock does not run backwards: " + step);
        }
        now = now.plus(step);
    }

    @Override
    public Instant instant() {
        return now;
    }

    @Override
    public long millis() {
        return now.toEpochMilli();
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    /** A view in {@code zone} that moves with this clock. */
    @Override
    public Clock withZone(ZoneId zone) {
        TestClock source = this;
        return new Clock() {
            @Override
            public Instant instant() {
                return source.instant();
            }

            @Override
            public ZoneId getZone() {
                return zone;
            }

            @Override
            public Clock withZone(ZoneId other) {
                return source.withZone(other);
            }
        };
    }
}
