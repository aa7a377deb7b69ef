package dev.modelcache.junit5;

import java.util.Locale;

/**
 * What the proxy beside the tests does with a request: replay what is recorded, record, or neither.
 *
 * <p>{@link #DEFAULT} lets the run decide, so that one flag switches a whole suite: the system property
 * {@value #PROPERTY} ({@code -Dmodelcache.mode=record}), else the environment variable {@value #VARIABLE}, else
 * {@link #AUTO}. CI sets {@code replay}; a developer re-records with {@code record}.
 */
public enum Mode {
    /** The run decides: {@value #PROPERTY}, then {@value #VARIABLE}, else {@link #AUTO}. */
    DEFAULT,
    /**
     * Replay what is recorded, record what is missing (Hoverfly's capture-or-simulate): the proxy reads the
     * cassettes and calls the provider on a miss; at the end of the class the new recordings are written into the
     * cassette folder, existing files left as they are.
     */
    AUTO,
    /** Strict replay: the provider is never called, and a request that was not recorded fails the test. */
    REPLAY,
    /**
     * Record everything again: every request goes to the provider, and at the end of the class the namespace's
     * cassette folder is replaced by what this run recorded (an unchanged answer leaves its file unchanged).
     */
    RECORD,
    /** Straight to the provider through a passthrough proxy: nothing is read or written. */
    OFF;

    /** The system property that decides {@link #DEFAULT}. */
    public static final String PROPERTY = "modelcache.mode";
    /** The environment variable that decides {@link #DEFAULT} when the property is not set. */
    public static final String VARIABLE = "MODELCACHE_MODE";

    /** This mode, with {@link #DEFAULT} decided by the run ({@value #PROPERTY}, {@value #VARIABLE}, else AUTO). */
    public Mode resolved() {
        if (this != DEFAULT) {
            return this;
        }
        String property = System.getProperty(PROPERTY);
        if (property != null && !property.isBlank()) {
            return parse(property, "system property " + PROPERTY);
        }
        String variable = System.getenv(VARIABLE);
        if (variable != null && !variable.isBlank()) {
            return parse(variable, "environment variable " + VARIABLE);
        }
        return AUTO;
    }

    /** {@code auto}, {@code replay}, {@code record} or {@code off}, any case; fails naming {@code source}. */
    static Mode parse(String text, String source) {
        String name = text.trim().toUpperCase(Locale.ROOT);
        for (Mode mode : values()) {
            if (mode != DEFAULT && mode.name().equals(name)) {
                return mode;
            }
        }
        throw new IllegalArgumentException("ModelCache: " + source + " is '" + text.trim()
                + "'; it must be auto, replay, record or off");
    }

    /** The proxy's {@code cache/mode} for this (resolved) mode. */
    String cacheMode() {
        return switch (this) {
            case REPLAY -> "replay";
            case RECORD -> "record";
            case OFF -> "passthrough";
            default -> "readthrough";
        };
    }
}
