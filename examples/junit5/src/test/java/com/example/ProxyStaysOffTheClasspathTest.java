package com.example;

import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The extension brings none of the proxy's dependencies onto this project's test classpath: the proxy runs from its
 * WAR in a process of its own, and the extension's jar needs JUnit's API alone. (Not something a user writes: this
 * example's own check, run by ModelCache's CI.)
 */
class ProxyStaysOffTheClasspathTest {
    @ParameterizedTest
    @ValueSource(strings = {
        "org.apache.catalina.startup.Tomcat",              // the launcher's embedded Tomcat
        "org.ehcache.CacheManager",                        // the cache
        "org.apache.hc.client5.http.classic.HttpClient",   // the upstream client
        "com.knuddels.jtokkit.Encodings",                  // the token counter
        "io.micrometer.core.instrument.MeterRegistry",     // the metrics
        "dev.modelcache.launcher.WarMain",                 // the proxy itself
    })
    void isNotOnTheTestClasspath(String className) {
        assertThrows(ClassNotFoundException.class, () -> Class.forName(className));
    }
}
