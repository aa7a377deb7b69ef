package dev.modelcache.config;

/**
 * The log keys, {@code log/...}: {@code access} turns the access log (one line per proxied exchange) on or off;
 * {@code bodies} (off unless set) adds each request's body to its line, at most {@code bodyMaxChars} characters of
 * it. Prompts then land in the logs: for debugging, never by default.
 */
public record LogConfig(boolean access, boolean bodies, int bodyMaxChars) {
    public static final int DEFAULT_BODY_MAX_CHARS = 2000;
    static final int MAX_BODY_MAX_CHARS = 1_000_000;

    static LogConfig read(ConfigReader r) {
        return new LogConfig(r.flag(ConfigKeys.LOG_ACCESS), r.flag(ConfigKeys.LOG_BODIES),
                (int) r.number(ConfigKeys.LOG_BODY_MAX_CHARS, 1, MAX_BODY_MAX_CHARS));
    }
}
