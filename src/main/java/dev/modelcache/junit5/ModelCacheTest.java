package dev.modelcache.junit5;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * Runs the test class (or method) beside a ModelCache proxy that records and replays its LLM calls: the executable
 * WAR as a child process on a free loopback port, one per distinct configuration, shared by every class that asks
 * for the same one and stopped when the run ends ({@link ModelCacheExtension}).
 *
 * <p>Each class gets its own namespace, carried in the base URL ({@code http://127.0.0.1:P/_ns/<namespace>/v1}),
 * so no client sets a header; its recordings are files below {@code <cassettes>/<namespace>/}. Tests reach the proxy
 * through a {@link ModelCacheProxy} parameter, or through the system properties the official SDKs read
 * ({@code openai.baseUrl}, {@code anthropic.baseUrl}), set while the class runs.
 *
 * <p>On a method, the annotation overrides the class's for that method: an attribute left at its default keeps
 * the class's value, {@link #settings()} are added to the class's.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@Documented
@ExtendWith(ModelCacheExtension.class)
@ResourceLock(providers = SdkPropertiesLock.class)
public @interface ModelCacheTest {
    /** The default cassette folder, relative to the working folder (the project's, under Maven and Gradle). */
    String DEFAULT_CASSETTES = "src/test/resources/modelcache";

    /** The cassette folder: one subfolder per namespace, in git. Relative to the working folder. */
    String cassettes() default DEFAULT_CASSETTES;

    /** Replay, record, both, or neither; {@link Mode#DEFAULT} lets {@code -Dmodelcache.mode=...} decide. */
    Mode mode() default Mode.DEFAULT;

    /**
     * Sequences on: a test that sends the same request twice gets the two answers recorded, in order. They start
     * again from the first answer before each test method, so that a test replays the same whether it runs alone
     * or after others.
     */
    boolean sequences() default true;

    /** What the end of the class does with recordings of its namespace that no test used. */
    Unused unused() default Unused.REPORT;

    /**
     * The namespace: the cassettes' subfolder and a separate set of entries. Empty: the test class's name without
     * its package (a nested class as {@code Outer.Inner}); two classes of the same name in one run must set one.
     * 1 to 128 letters, digits, {@code .}, {@code _} or {@code -}.
     */
    String namespace() default "";

    /**
     * Settings of the proxy, as {@code "name=value"} ({@code "cache/redact=/user"},
     * {@code "providers/openai/baseUrl=http://localhost:9000"}): the names of ModelCache's configuration table.
     * A proxy with other settings is another child process.
     */
    String[] settings() default {};

    /**
     * Whether the class sets the system properties the official SDKs read for their base URL ({@code openai.baseUrl},
     * {@code anthropic.baseUrl}) while it runs. System properties are global, so classes that set them never run
     * at the same time (a JUnit resource lock); set it to {@code false} on classes that take their URL from
     * {@link ModelCacheProxy}, and those run in parallel.
     */
    boolean sdkProperties() default true;
}
