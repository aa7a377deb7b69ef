package dev.modelcache.fuzz;

import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;

/**
 * How many tries a fuzz property runs. In CI each property runs the {@code tries} its {@code @Property} names (kept
 * small enough that the whole fuzz suite stays under a minute on two cores); the longer run sets
 * {@value #TRIES} (for example {@code -Dmodelcache.fuzz.tries=100000}) and every in-process property runs that many
 * instead. The properties that go over real sockets read {@value #HTTP_TRIES} instead, since each of their tries is
 * a whole HTTP exchange.
 */
public final class FuzzTries implements AroundPropertyHook {
    /** System property: tries per in-process fuzz property for the longer run. */
    public static final String TRIES = "modelcache.fuzz.tries";
    /** System property: tries per HTTP fuzz property for the longer run. */
    public static final String HTTP_TRIES = "modelcache.fuzz.httpTries";

    /** Registered on a class, it applies to every property in it. */
    @Override
    public net.jqwik.api.lifecycle.PropagationMode propagateTo() {
        return net.jqwik.api.lifecycle.PropagationMode.ALL_DESCENDANTS;
    }

    @Override
    public PropertyExecutionResult aroundProperty(PropertyLifecycleContext context, PropertyExecutor property) {
        boolean http = context.findAnnotation(OverHttp.class).isPresent();
        Integer tries = Integer.getInteger(http ? HTTP_TRIES : TRIES);
        boolean example = context.findAnnotation(net.jqwik.api.Example.class).isPresent();
        if (tries != null && tries > 0 && !example) {
            context.attributes().setTries(tries);
        }
        return property.execute();
    }

    /** Marks a property whose tries are HTTP exchanges: {@value #HTTP_TRIES} sets their count. */
    @java.lang.annotation.Retention(java.lang.annotation.RetentionPolicy.RUNTIME)
    @java.lang.annotation.Target(java.lang.annotation.ElementType.METHOD)
    public @interface OverHttp {
    }
}
