package dev.modelcache.flight;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One upstream call per key across a fleet (issue 20, item 2): before an instance's leader calls the provider it
 * claims the key's lease in a {@link LeaseStore} shared by the fleet; instances that find the lease held by another
 * wait for the stored answer instead. A lease is {@code "<instance>:<expiresAtMillis>"}, taken with
 * {@code putIfAbsent}, renewed by its holder every {@link #RENEW} while its call runs ({@code replace}), and
 * released with {@code remove(key, mine)} once the answer is stored or will not be.
 *
 * <p>Why a short, renewed lease rather than one sized to the upstream's response timeout: a holder that dies
 * (killed, its machine gone) stops renewing, and its followers take over within {@link #TERM} plus {@link #MARGIN}
 * instead of waiting as long as the longest answer. Expiry is judged on the taker's clock, with {@link #MARGIN} for
 * the skew between the instances' clocks; it lives in the value, not in Ehcache's expiry, so that a takeover is one
 * compare-and-set of the value seen. A lease of this instance (another of its own flights leads) and a store that
 * cannot be reached are {@link Kind#UNSHARED}: local single flight decides, as without a cluster.
 */
public final class FleetLeases implements AutoCloseable {
    private static final Logger LOG = System.getLogger(FleetLeases.class.getName());
    /** How long a lease lasts unless renewed. */
    public static final Duration TERM = Duration.ofSeconds(6);
    /** How often a holder renews its leases. */
    public static final Duration RENEW = Duration.ofSeconds(2);
    /** Past its expiry by this much on the taker's clock, a lease is dead (the instances' clocks may differ). */
    public static final Duration MARGIN = Duration.ofSeconds(2);
    static final Duration FIRST_BACKOFF = Duration.ofMillis(20);
    static final Duration LAST_BACKOFF = Duration.ofMillis(200);

    /** What a claim found: this instance holds the lease now; another live instance does; or no fleet to ask. */
    public enum Kind { HELD, BUSY, UNSHARED }

    /** A claim's result; {@link #lease} is this instance's lease when {@code HELD}, to be released. */
    public record Claim(Kind kind, Held lease) {
        static final Claim BUSY = new Claim(Kind.BUSY, null);
        static final Claim UNSHARED = new Claim(Kind.UNSHARED, null);
    }

    /** A lease this instance holds; its value changes as it is renewed (guarded by itself). */
    public static final class Held {
        final String key;
        String value;

        Held(String key, String value) {
            this.key = key;
            this.value = value;
        }
    }

    /** A lease value read back: who holds it and until when (epoch milliseconds on the holder's clock). */
    record Lease(String instance, long expiresAt) {
    }

    private final LeaseStore store;
    private final String instance;
    private final Clock clock;
    private final Map<String, Held> held = new ConcurrentHashMap<>();
    private ScheduledExecutorService renewer;

    /** The leases of this instance (a new identity each start) in {@code store}, renewed on a thread of their own. */
    public static FleetLeases renewed(LeaseStore store, Clock clock) {
        FleetLeases leases = new FleetLeases(store, UUID.randomUUID().toString(), clock);
        leases.renewer = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "modelcache-lease-renewal");
            thread.setDaemon(true);
            return thread;
        });
        leases.renewer.scheduleWithFixedDelay(leases::renew, RENEW.toMillis(), RENEW.toMillis(), TimeUnit.MILLISECONDS);
        return leases;
    }

    /** The leases of the instance named {@code instance} (unique in the fleet), not renewed unless {@link #renew} is run. */
    public FleetLeases(LeaseStore store, String instance, Clock clock) {
        this.store = store;
        this.instance = instance;
        this.clock = clock;
    }

    /** Takes the lease of {@code key} if it is free or its holder is dead; else says who decides. */
    public Claim claim(String key) {
        long now = clock.millis();
        String mine = value(instance, now + TERM.toMillis());
        try {
            String seen = store.putIfAbsent(key, mine);
            if (seen == null) {
                return hold(key, mine);
            }
            Lease other = parse(seen);
            if (other != null && other.instance().equals(instance)) {
                return Claim.UNSHARED;
            }
            if (!expired(other, now)) {
                return Claim.BUSY;
            }
            if (store.replace(key, seen, mine)) {
                LOG.log(Level.INFO, "took over the lease of key " + key + " from a holder that stopped renewing it");
                return hold(key, mine);
            }
            return Claim.BUSY;
        } catch (RuntimeException e) {
            return Claim.UNSHARED;
        }
    }

    private Claim hold(String key, String mine) {
        Held lease = new Held(key, mine);
        held.put(key, lease);
        return new Claim(Kind.HELD, lease);
    }

    /** Gives the lease back (the answer is stored, or will not be): a waiting instance may take it at once. */
    public void release(Held lease) {
        synchronized (lease) {
            held.remove(lease.key, lease);
            try {
                store.remove(lease.key, lease.value);
            } catch (RuntimeException e) {
                // The store is gone: the lease expires there by itself.
            }
            lease.value = null;
        }
    }

    /** Extends every lease this instance holds by {@link #TERM}; run every {@link #RENEW}. A lost lease is let go. */
    public void renew() {
        for (Held lease : held.values()) {
            synchronized (lease) {
                if (lease.value == null) {
                    continue;
                }
                String renewed = value(instance, clock.millis() + TERM.toMillis());
                try {
                    if (store.replace(lease.key, lease.value, renewed)) {
                        lease.value = renewed;
                    } else {
                        held.remove(lease.key, lease);
                    }
                } catch (RuntimeException e) {
                    // The store is gone for now: try again at the next renewal.
                }
            }
        }
    }

    /** Stops renewing: the leases still held expire by themselves. */
    @Override
    public void close() {
        if (renewer != null) {
            renewer.shutdownNow();
        }
    }

    /** Leases this instance holds now. */
    public int held() {
        return held.size();
    }

    static String value(String instance, long expiresAt) {
        return instance + ":" + expiresAt;
    }

    /** The lease a value spells, or null when it spells none. */
    static Lease parse(String value) {
        int colon = value == null ? -1 : value.lastIndexOf(':');
        if (colon <= 0) {
            return null;
        }
        try {
            return new Lease(value.substring(0, colon), Long.parseLong(value.substring(colon + 1)));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Whether a waiter may take {@code lease} over at {@code now}: past its expiry plus the margin, or unreadable. */
    static boolean expired(Lease lease, long now) {
        return lease == null || now > lease.expiresAt() + MARGIN.toMillis();
    }

    /** How long a waiter sleeps before its {@code attempt}th look (from 0): 20 ms, doubling, at most 200 ms. */
    public static Duration backoff(int attempt) {
        Duration doubled = FIRST_BACKOFF.multipliedBy(1L << Math.min(Math.max(attempt, 0), 4));
        return doubled.compareTo(LAST_BACKOFF) > 0 ? LAST_BACKOFF : doubled;
    }
}
