package dev.modelcache.junit5;

import java.lang.reflect.AnnotatedElement;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.junit.jupiter.api.extension.TestInstanceFactoryContext;
import org.junit.jupiter.api.extension.TestInstancePreConstructCallback;

/**
 * The JUnit 5 extension behind {@link ModelCacheTest}: runs a ModelCache proxy beside the tests (a child process,
 * {@link ProxyProcess}, shared across classes of the same configuration) and gives each class its namespace.
 *
 * <ul>
 * <li>Before the class: the proxy (started if it is the first to ask for it), the SDKs' system properties
 * ({@link SdkProperties}).</li>
 * <li>Before each test: its sequences start again ({@code POST /_cache/sequences/reset?namespace=}), so a test
 * replays the same alone as after others.</li>
 * <li>After each test, in {@link Mode#REPLAY}: a request that was not recorded fails the test with an
 * {@link AssertionError} that carries the explanation (nearest recording, differing JSON paths), read from
 * {@code /_cache/report}; when the test threw (the SDK's own exception on the 504), that exception is added to it as
 * suppressed.</li>
 * <li>After the class: the recordings exported ({@link Mode#AUTO}, {@link Mode#RECORD}) and the report of misses
 * and unused recordings, as a report entry and on standard error ({@link ClassRun}).</li>
 * </ul>
 *
 * <p>Declared by {@link ModelCacheTest}, or registered on a static field with a {@link #builder()} for settings
 * known only at run time:
 * <pre>{@code
 * @RegisterExtension
 * static ModelCacheExtension modelCache = ModelCacheExtension.builder()
 *         .setting("providers/openai/baseUrl", fakeUpstream.url()).mode(Mode.REPLAY).build();
 * }</pre>
 * Use one or the other on a class, not both. A {@code @Nested} class records in its outer class's namespace.
 */
public final class ModelCacheExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback,
        AfterEachCallback, ParameterResolver, TestExecutionExceptionHandler, TestInstancePreConstructCallback {
    private static final ExtensionContext.Namespace STORE = ExtensionContext.Namespace.create(ModelCacheExtension.class);

    /** The builder's configuration, or null when declared by the annotation. */
    private final ProxyConfig programmatic;

    /** For {@link ModelCacheTest}: the configuration comes from the annotation. */
    public ModelCacheExtension() {
        this(null);
    }

    private ModelCacheExtension(ProxyConfig programmatic) {
        this.programmatic = programmatic;
    }

    /** A builder for {@code @RegisterExtension}, with the annotation's defaults. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        setProperties(classState(context));
    }

    /** With {@code @TestInstance(PER_CLASS)} the instance (and the clients its fields build) comes before beforeAll. */
    @Override
    public void preConstructTestInstance(TestInstanceFactoryContext factory, ExtensionContext context) {
        setProperties(classState(context));
    }

    private static synchronized void setProperties(ClassState state) {
        if (state.config.sdkProperties() && state.properties == null) {
            state.properties = SdkProperties.set(state.proxy);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        ClassState state = classState(context);
        if (!state.owner.equals(context.getUniqueId())) {
            return; // a @Nested class: its tests are its outer class's, whose end does the work
        }
        if (state.properties != null) {
            state.properties.restore();
        }
        ClassRun.Outcome outcome = state.run.finish();
        if (!outcome.report().isBlank()) {
            context.publishReportEntry("modelcache", outcome.report().trim());
            System.err.print(outcome.report());
        }
        if (outcome.failure() != null) {
            throw outcome.failure();
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        TestRun test = testRun(context);
        if (test.config.mode() != Mode.OFF) {
            test.process.post("/_cache/sequences/reset?namespace=" + test.proxy.namespace());
        }
        if (test.config.mode() == Mode.REPLAY) {
            test.missesBefore = MissReport.misses(test.process.get(ClassRun.reportPath(test.proxy.namespace())),
                    test.proxy.namespace()).size();
        }
        ClassState state = classState(context);
        if (test.config.sdkProperties() && !test.proxy.baseUrl().equals(state.proxy.baseUrl())) {
            test.properties = SdkProperties.set(test.proxy);
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        TestRun test = testRun(context);
        if (test.properties != null) {
            test.properties.restore();
        }
        if (!test.reported) {
            test.missFailure(context.getDisplayName()).ifPresent(failure -> {
                throw failure;
            });
        }
    }

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable thrown) throws Throwable {
        TestRun test = testRun(context);
        Optional<AssertionError> failure = test.missFailure(context.getDisplayName());
        if (failure.isEmpty()) {
            throw thrown;
        }
        test.reported = true;
        failure.get().addSuppressed(thrown);
        throw failure.get();
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == ModelCacheProxy.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getTestMethod().isPresent() ? testRun(context).proxy : classState(context).proxy;
    }

    /** The class's configuration: the builder's, else the annotation on the class (or an enclosing one). */
    private ProxyConfig classConfig(Class<?> testClass) {
        if (programmatic != null) {
            return programmatic;
        }
        for (Class<?> c = testClass; c != null; c = c.getEnclosingClass()) {
            ModelCacheTest annotation = c.getAnnotation(ModelCacheTest.class);
            if (annotation != null) {
                return ProxyConfig.of(annotation);
            }
        }
        return ProxyConfig.defaults();
    }

    private ClassState classState(ExtensionContext context) {
        Class<?> testClass = context.getRequiredTestClass();
        ExtensionContext classContext = context.getTestMethod().isPresent() ? context.getParent().orElseThrow() : context;
        return classContext.getStore(STORE).getOrComputeIfAbsent(ClassState.class, type -> {
            ProxyConfig config = classConfig(testClass).resolved();
            ClassRun run = new ClassRun(testClass.getName(), Proxies.of(context));
            return new ClassState(classContext.getUniqueId(), config, run, run.use(config, config.namespaceFor(testClass)));
        }, ClassState.class);
    }

    private TestRun testRun(ExtensionContext context) {
        return context.getStore(STORE).getOrComputeIfAbsent(TestRun.class, type -> {
            ClassState state = classState(context);
            AnnotatedElement method = context.getRequiredTestMethod();
            ModelCacheTest annotation = method.getAnnotation(ModelCacheTest.class);
            if (annotation == null) {
                return new TestRun(state.config, state.proxy, Proxies.of(context).proxy(state.config));
            }
            ProxyConfig config = classConfig(context.getRequiredTestClass()).overriddenBy(annotation).resolved();
            String namespace = config.namespace().isEmpty() ? state.proxy.namespace() : config.namespace();
            ModelCacheProxy proxy = state.run.use(config, namespace);
            return new TestRun(config, proxy, Proxies.of(context).proxy(config));
        }, TestRun.class);
    }

    /** A class's configuration, run and proxy, and the system properties it set. */
    private static final class ClassState {
        /** The class context that made it: a @Nested class finds its outer class's state (JUnit's stores inherit). */
        final String owner;
        final ProxyConfig config;
        final ClassRun run;
        final ModelCacheProxy proxy;
        SdkProperties properties;

        ClassState(String owner, ProxyConfig config, ClassRun run, ModelCacheProxy proxy) {
            this.owner = owner;
            this.config = config;
            this.run = run;
            this.proxy = proxy;
        }
    }

    /** The configuration of a {@code @RegisterExtension} field: the annotation's attributes, and settings by value. */
    public static final class Builder {
        private Path cassettes = Path.of(ModelCacheTest.DEFAULT_CASSETTES);
        private Mode mode = Mode.DEFAULT;
        private boolean sequences = true;
        private Unused unused = Unused.REPORT;
        private String namespace = "";
        private final Map<String, String> settings = new TreeMap<>();
        private boolean sdkProperties = true;

        private Builder() {
        }

        /** See {@link ModelCacheTest#cassettes()}. */
        public Builder cassettes(String folder) {
            return cassettes(Path.of(folder));
        }

        /** See {@link ModelCacheTest#cassettes()}. */
        public Builder cassettes(Path folder) {
            this.cassettes = Objects.requireNonNull(folder);
            return this;
        }

        /** See {@link ModelCacheTest#mode()}. */
        public Builder mode(Mode mode) {
            this.mode = Objects.requireNonNull(mode);
            return this;
        }

        /** See {@link ModelCacheTest#sequences()}. */
        public Builder sequences(boolean on) {
            this.sequences = on;
            return this;
        }

        /** See {@link ModelCacheTest#unused()}. */
        public Builder unused(Unused unused) {
            this.unused = Objects.requireNonNull(unused);
            return this;
        }

        /** See {@link ModelCacheTest#namespace()}. */
        public Builder namespace(String namespace) {
            this.namespace = Objects.requireNonNull(namespace);
            return this;
        }

        /** A proxy setting by ModelCache's name ({@code providers/openai/baseUrl}); see {@link ModelCacheTest#settings()}. */
        public Builder setting(String name, String value) {
            settings.put(ProxyConfig.checkedName(name), Objects.requireNonNull(value));
            return this;
        }

        /** See {@link ModelCacheTest#sdkProperties()}; with this builder no lock is taken, the caller decides. */
        public Builder sdkProperties(boolean set) {
            this.sdkProperties = set;
            return this;
        }

        public ModelCacheExtension build() {
            return new ModelCacheExtension(new ProxyConfig(cassettes, mode, sequences, unused, namespace,
                    new TreeMap<>(settings), sdkProperties));
        }
    }
}
