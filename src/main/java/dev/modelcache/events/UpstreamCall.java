package dev.modelcache.events;

/**
 * One call to a provider. {@code status} is 0 when no answer came ({@code result} TIMEOUT or UNREACHABLE);
 * {@code headersMillis} is the time until the status and headers were in, {@code firstEventMillis} until the first
 * whole event of a streamed answer was in (-1 for an answer that is not a stream, or a stream without events), and
 * {@code totalMillis} until the body ended or the call failed.
 */
public record UpstreamCall(String provider, Result result, int status, long headersMillis, long firstEventMillis,
                           long totalMillis) {
    /** A call without a first event: not a stream, or failed before one. */
    public UpstreamCall(String provider, Result result, int status, long headersMillis, long totalMillis) {
        this(provider, result, status, headersMillis, -1, totalMillis);
    }

    public enum Result {
        /** The whole answer came. */
        COMPLETE,
        /** The provider did not answer in time (504). */
        TIMEOUT,
        /** The provider could not be reached (502). */
        UNREACHABLE,
        /** The answer began and broke off. */
        BROKE_OFF
    }

    public boolean failed() {
        return result != Result.COMPLETE;
    }
}
