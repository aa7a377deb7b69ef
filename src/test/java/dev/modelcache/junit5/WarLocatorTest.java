package dev.modelcache.junit5;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the extension finds the WAR it runs, and what it says when there is none. */
class WarLocatorTest {
    @TempDir
    Path repository;

    @Test
    void theWarOfItsOwnVersionComesFromTheLocalRepositoryUnlessAPathIsGiven() throws Exception {
        String version = WarLocator.version();
        assertTrue(version.matches("\\d+\\.\\d+\\.\\d+.*"), "filtered at build time: " + version);
        String repo = System.getProperty("maven.repo.local");
        String named = System.getProperty(WarLocator.PROPERTY);
        try {
            System.setProperty("maven.repo.local", repository.toString());
            System.clearProperty(WarLocator.PROPERTY);
            IllegalStateException missing = assertThrows(IllegalStateException.class, WarLocator::find);
            assertTrue(missing.getMessage().contains("dev.modelcache:modelcache:" + version + " with <type>war</type>")
                    && missing.getMessage().contains("-Dmodelcache.war="), "both ways to provide one: " + missing.getMessage());

            Path war = repository.resolve("dev/modelcache/modelcache/" + version + "/modelcache-" + version + ".war");
            Files.createDirectories(war.getParent());
            Files.writeString(war, "a WAR");
            assertEquals(war, WarLocator.find());

            Path elsewhere = Files.writeString(repository.resolve("elsewhere.war"), "another WAR");
            System.setProperty(WarLocator.PROPERTY, elsewhere.toString());
            assertEquals(elsewhere.toAbsolutePath(), WarLocator.find(), "the property wins");
        } finally {
            restore("maven.repo.local", repo);
            restore(WarLocator.PROPERTY, named);
        }
    }

    private static void restore(String name, String value) {
        if (value == null) {
            System.clearProperty(name);
        } else {
            System.setProperty(name, value);
        }
    }
}
