package dev.modelcache.http;

import java.util.regex.Pattern;

/**
 * Text fit for a log line or an error message: a query string may carry a credential ({@code ?key=...}) and a URL's
 * user info a password, and exception messages (URI parsing, HttpClient) quote whole URLs. Both are cut out.
 */
public final class Redacted {
    private static final Pattern QUERY = Pattern.compile("\\?[^\\s\"'<>\\]\\)]*");
    private static final Pattern USER_INFO = Pattern.compile("(?<=//)[^/?#@\\s\"'<>]*@");

    private Redacted() {
    }

    /** The text without query strings (from {@code ?} to the next blank) and with user info replaced by {@code ***}. */
    public static String text(String text) {
        if (text == null) {
            return null;
        }
        return USER_INFO.matcher(QUERY.matcher(text).replaceAll("")).replaceAll("***@");
    }

    /**
     * A copy of a failure for the log: each throwable in the cause chain keeps its class name and stack trace, and
     * its message is {@linkplain #text redacted}.
     */
    public static Throwable throwable(Throwable failure) {
        if (failure == null) {
            return null;
        }
        Copy copy = new Copy(failure.getClass().getName(), text(failure.getMessage()),
                failure.getCause() == failure ? null : throwable(failure.getCause()));
        copy.setStackTrace(failure.getStackTrace());
        return copy;
    }

    /** Stands in for the original in a log record; prints as the original class would. */
    private static final class Copy extends RuntimeException {
        private final String type;

        Copy(String type, String message, Throwable cause) {
            super(message, cause, false, true);
            this.type = type;
        }

        @Override
        public String toString() {
            return getMessage() == null ? type : type + ": " + getMessage();
        }
    }
}
