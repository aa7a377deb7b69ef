package dev.modelcache.config;

/** The log keys, {@code log/...}: {@code access} turns the access log (one line per proxied exchange) on or off. */
public record LogConfig(boolean access) {
    static LogConfig read(ConfigReader r) {
        return new LogConfig(r.flag("log/access", true));
    }
}
