package dev.modelcache.config;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The version this build was made as, the pom's {@code project.version}: Maven filters it into
 * {@code dev/modelcache/build.properties} at build time, which travels in {@code WEB-INF/classes} (a WAR's own
 * manifest is not the manifest of its classes, so {@code Package.getImplementationVersion} alone would say nothing
 * in a container). The start banner and {@code /_cache/health} report it, so a log or a health check shows which
 * build runs. {@code dev} when the file is missing or unfiltered (classes compiled outside Maven).
 */
public final class BuildVersion {
    static final String RESOURCE = "/dev/modelcache/build.properties";
    private static final String CURRENT = read();

    private BuildVersion() {
    }

    public static String current() {
        return CURRENT;
    }

    private static String read() {
        try (InputStream in = BuildVersion.class.getResourceAsStream(RESOURCE)) {
            if (in != null) {
                Properties properties = new Properties();
                properties.load(in);
                String version = properties.getProperty("version", "").trim();
                if (!version.isEmpty() && !version.contains("${")) {
                    return version;
                }
            }
        } catch (IOException e) {
            // Fall through: the manifest, then "dev".
        }
        String manifest = BuildVersion.class.getPackage().getImplementationVersion();
        return manifest == null ? "dev" : manifest;
    }
}
