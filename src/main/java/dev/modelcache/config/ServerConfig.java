package dev.modelcache.config;

import java.time.Duration;

/**
 * What the web application needs of its server: the launcher's {@code port}, the largest request body accepted
 * ({@code maxBodyBytes}, then 413) and how long a stop waits for answers in flight ({@code shutdownDrainSeconds}).
 * The launcher's connector keys ({@code host}, {@code server/...}) are read by the launcher itself.
 */
public record ServerConfig(int port, int maxBodyBytes, Duration shutdownDrain) {
    public static final int DEFAULT_PORT = 8080;
    public static final int DEFAULT_MAX_BODY_BYTES = 32 * 1024 * 1024;
    /** Seconds a stop waits for answers in flight to finish (and be stored) before the cache is closed. */
    public static final long DEFAULT_SHUTDOWN_DRAIN_SECONDS = 30;

    static ServerConfig read(ConfigReader r) {
        return new ServerConfig((int) r.number(ConfigKeys.PORT, 0, 65535),
                (int) r.number(ConfigKeys.MAX_BODY_BYTES, 1024, Integer.MAX_VALUE - 8),
                r.seconds(ConfigKeys.SHUTDOWN_DRAIN_SECONDS, 0, 3600));
    }
}
