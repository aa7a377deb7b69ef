package dev.modelcache.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Temporary folders a killed launcher left behind are deleted at the next start; those of running ones are kept. */
class TempFoldersTest {
    @TempDir
    Path tmp;

    @Test
    void aStaleFolderOfAProcessThatIsGoneIsDeletedAndALiveOnesIsKept() throws Exception {
        long gone = finishedProcessPid();
        long alive = ProcessHandle.current().pid();
        Path stale = Files.createDirectories(tmp.resolve("modelcache-war-" + gone + "-123/WEB-INF/lib"));
        Files.writeString(stale.resolve("some.jar"), "x");
        Path live = Files.createDirectories(tmp.resolve("modelcache-war-" + alive + "-456"));
        Path unknownOwner = Files.createDirectories(tmp.resolve("modelcache-war-789"));
        Path otherPrefix = Files.createDirectories(tmp.resolve("modelcache-tomcat-" + gone + "-1"));

        List<String> deleted = WarMain.TempFolders.deleteStale(tmp, WarMain.TempFolders.WAR_PREFIX);

        assertEquals(List.of("modelcache-war-" + gone + "-123"), deleted);
        assertFalse(Files.exists(tmp.resolve("modelcache-war-" + gone + "-123")));
        assertTrue(Files.isDirectory(live), "its process still runs");
        assertTrue(Files.isDirectory(unknownOwner), "a name without a pid is not ours to judge");
        assertTrue(Files.isDirectory(otherPrefix), "only the given prefix");
        assertEquals(List.of("modelcache-tomcat-" + gone + "-1"), WarMain.TempFolders.deleteStale(tmp, WarMain.TempFolders.TOMCAT_PREFIX));
    }

    @Test
    void newFoldersCarryThePidOfTheProcessThatMadeThem() throws Exception {
        Path folder = WarMain.TempFolders.create(WarMain.TempFolders.TOMCAT_PREFIX);
        try {
            assertEquals(ProcessHandle.current().pid(),
                    WarMain.TempFolders.ownerPid(folder.getFileName().toString(), WarMain.TempFolders.TOMCAT_PREFIX));
        } finally {
            WarMain.deleteTree(folder);
        }
    }

    private static long finishedProcessPid() throws Exception {
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-version")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        return process.pid();
    }
}
