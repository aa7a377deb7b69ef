package dev.modelcache.junit5;

import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLocksProvider;

/**
 * Under JUnit's parallel execution, classes that set the SDKs' system properties ({@link ModelCacheTest#sdkProperties()})
 * take one exclusive lock, so that a class never reads another class's base URL (and namespace) from a global
 * property. Classes that opt out take no lock and run in parallel.
 */
public final class SdkPropertiesLock implements ResourceLocksProvider {
    /** The lock's key. */
    public static final String KEY = "dev.modelcache.junit5.sdkProperties";

    /** For JUnit. */
    public SdkPropertiesLock() {
    }

    @Override
    public Set<Lock> provideForClass(Class<?> testClass) {
        return locks(testClass);
    }

    @Override
    public Set<Lock> provideForNestedClass(List<Class<?>> enclosingInstanceTypes, Class<?> testClass) {
        return locks(testClass);
    }

    @Override
    public Set<Lock> provideForMethod(List<Class<?>> enclosingInstanceTypes, Class<?> testClass, Method testMethod) {
        return testMethod.isAnnotationPresent(ModelCacheTest.class) ? locks(testMethod) : Set.of();
    }

    private static Set<Lock> locks(AnnotatedElement element) {
        ModelCacheTest annotation = element.getAnnotation(ModelCacheTest.class);
        return annotation != null && annotation.sdkProperties()
                ? Set.of(new Lock(KEY, ResourceAccessMode.READ_WRITE)) : Set.of();
    }
}
