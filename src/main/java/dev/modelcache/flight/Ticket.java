package dev.modelcache.flight;

/** What {@link FlightRegistry#enter} hands out: the lead of a new flight, or a place behind one under way. */
public sealed interface Ticket {
    Flight flight();

    /** This request calls the provider; it must end its flight exactly once (complete, fail or break). */
    record Leader(Flight flight) implements Ticket {
    }

    /** An identical request is calling the provider: wait for its {@link Outcome}. */
    record Follower(Flight flight) implements Ticket {
    }
}
