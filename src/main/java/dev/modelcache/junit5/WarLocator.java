package dev.modelcache.junit5;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * Finds the executable WAR the proxy runs from: the system property {@value #PROPERTY} (a path) wins; else the WAR
 * of this extension's own version in the local Maven repository, where a {@code <type>war</type>} test dependency
 * puts it ({@code <repo>/dev/modelcache/modelcache/<version>/modelcache-<version>.war}, the repository being
 * {@code maven.repo.local} or {@code ~/.m2/repository}). The version comes from a resource filtered at build time,
 * so the extension never runs a proxy of another release.
 */
final class WarLocator {
    /** The system property naming the WAR. */
    static final String PROPERTY = "modelcache.war";
    private static final String VERSION_RESOURCE = "version.properties";

    private WarLocator() {
    }

    /** The WAR to run; fails with a message naming both ways to provide one. */
    static Path find() {
        String named = System.getProperty(PROPERTY);
        if (named != null && !named.isBlank()) {
            Path war = Path.of(named.trim()).toAbsolutePath();
            if (!Files.isRegularFile(war)) {
                throw new IllegalStateException("ModelCache: -D" + PROPERTY + "=" + named + " names no file");
            }
            return war;
        }
        String version = version();
        Path war = repository().resolve("dev/modelcache/modelcache").resolve(version)
                .resolve("modelcache-" + version + ".war");
        if (!Files.isRegularFile(war)) {
            throw new IllegalStateException("ModelCache: no WAR to run the proxy from at " + war + ". Add the test"
                    + " dependency dev.modelcache:modelcache:" + version + " with <type>war</type> (Maven puts it"
                    + " there), or name a WAR with -D" + PROPERTY + "=path/to/modelcache.war");
        }
        return war;
    }

    /** The local Maven repository: {@code maven.repo.local}, else {@code ~/.m2/repository}. */
    static Path repository() {
        String local = System.getProperty("maven.repo.local");
        return local != null && !local.isBlank() ? Path.of(local)
                : Path.of(System.getProperty("user.home"), ".m2", "repository");
    }

    /** The version this extension was built as (the WAR it runs must be the same). */
    static String version() {
        try (InputStream in = WarLocator.class.getResourceAsStream(VERSION_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("ModelCache: the extension's " + VERSION_RESOURCE + " is missing");
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
