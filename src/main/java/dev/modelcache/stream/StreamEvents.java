package dev.modelcache.stream;

import java.util.ArrayList;
import java.util.List;

/**
 * What a stream's events say, noted by the {@link Relay} as each one passes (after it went to the client and into the
 * capture): whether one closed the stream normally, whether one reported a failure (its provider's
 * {@link StreamDialect} says which), and the data its tokens are counted from. Reading the events back from the
 * capture after the relay would mean reading the spill file of a large answer a second time; noting them on the way
 * costs the bytes already in hand.
 *
 * <p>The data kept is bounded: every event's data up to {@code countedChars} characters (the first event past it
 * included), and beyond that only the last event that {@linkplain StreamDialect#reportsUsage reports usage}, since
 * every dialect's later report replaces the earlier ones. Used by one relay on one thread, read once it is done.
 */
public final class StreamEvents {
    private final StreamFraming framing;
    private final StreamDialect dialect;
    private final long countedChars;
    private final List<String> data = new ArrayList<>();
    private long dataChars;
    private String lastUsage;
    private boolean terminal;
    private boolean error;

    /** {@code countedChars}: how much event data is kept for counting before only the usage reports are. */
    public StreamEvents(StreamFraming framing, StreamDialect dialect, long countedChars) {
        this.framing = framing;
        this.dialect = dialect;
        this.countedChars = countedChars;
    }

    /** Notes one whole event, with its exact bytes. */
    void note(byte[] raw) {
        SseEvent event = framing.event(raw);
        error |= dialect.isError(event);
        terminal |= dialect.isTerminal(event);
        String eventData = event.data();
        if (eventData == null) {
            return;
        }
        if (dataChars <= countedChars) {
            dataChars += eventData.length();
            data.add(eventData);
        } else if (dialect.reportsUsage(event)) {
            lastUsage = eventData;
        }
    }

    /** True when an event closed the stream normally. */
    public boolean sawTerminal() {
        return terminal;
    }

    /** True when an event reported a failure inside the stream. */
    public boolean sawError() {
        return error;
    }

    /** True when the events held more data than is kept for counting: the text beyond is not counted. */
    public boolean pastCountingBound() {
        return dataChars > countedChars;
    }

    /** The data to count tokens from, in order: the events' data up to the bound, then the last usage report past it. */
    public List<String> data() {
        List<String> counted = new ArrayList<>(data);
        if (lastUsage != null) {
            counted.add(lastUsage);
        }
        return counted;
    }
}
