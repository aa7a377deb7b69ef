package dev.modelcache.flight;

/**
 * A map shared by every instance of a fleet, whose changes compare before they write: what {@link FleetLeases} keeps
 * its leases in (the cluster's, STRONG, so that two instances never both succeed). Every method throws a
 * RuntimeException while the map cannot be reached: the caller then goes on without the fleet.
 */
public interface LeaseStore {
    /** The value now held for {@code key}, or null. */
    String get(String key);

    /** Puts {@code value} unless {@code key} holds one; null when it was put, else the value held. */
    String putIfAbsent(String key, String value);

    /** Replaces {@code seen} with {@code value}, only if {@code key} still holds {@code seen}. */
    boolean replace(String key, String seen, String value);

    /** Removes {@code key} only if it still holds {@code value}. */
    boolean remove(String key, String value);
}
