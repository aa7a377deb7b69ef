package dev.modelcache.junit5;

/**
 * What the end of a test class does with recordings of its namespace that no test asked for (a test removed or
 * changed since they were recorded): list them in the class's report, or also fail the class, naming each file.
 */
public enum Unused {
    /** List them in the report (a report entry and standard error); the class passes. */
    REPORT,
    /** List them and fail the class, naming each unused cassette file. */
    FAIL
}
