package dev.modelcache.events;

/**
 * One call to a provider. {@code status} is 0 when no answer came ({@code result} TIMEOUT or UNREACHABLE);
 * {@code headersMillis} is the time until the status and headers were in, {@code totalMillis} until the body ended
 * or the call failed.
 */
public record UpstreamCall(String provider, Result result, int status, long headersMillis, long totalMillis) {
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
