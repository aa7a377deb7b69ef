package dev.modelcache;

import static dev.modelcache.support.TestProxy.CHAT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.modelcache.files.OwnerOnly;
import dev.modelcache.support.FakeUpstream;
import dev.modelcache.support.FakeUpstream.Reply;
import dev.modelcache.support.TestProxy;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cached prompts and answers are private to the user the proxy runs as: every folder the proxy makes in the cache
 * folder is 0700 and no file in it is readable by group or others, spill files included.
 */
class CacheFolderPermissionsTest {
    static final Set<PosixFilePermission> OTHERS = Set.of(PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE,
            PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE,
            PosixFilePermission.OTHERS_EXECUTE);

    @TempDir
    Path home;

    @Test
    void aFreshCacheFolderAndEverythingInItIsTheOwnersOnlyAfterAMissAndAStoredStream() throws Exception {
        assumeTrue(home.getFileSystem().supportedFileAttributeViews().contains("posix"), "POSIX file modes");
        Path cacheDir = home.resolve("cache");
        CountDownLatch release = new CountDownLatch(1);
        String big = "data: {\"choices\":[{\"delta\":{\"content\":\"" + "x".repeat(1_200_000) + "\"}}]}\n\n";
        try (FakeUpstream upstream = FakeUpstream.start().handler(r -> Reply.sse(List.of(big, "data: [DONE]\n\n")).gateBefore(1, release));
                TestProxy proxy = TestProxy.start(upstream.baseUrl(), cacheDir)) {
            HttpRequest request = HttpRequest.newBuilder(proxy.uri(CHAT)).timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/json").header("Authorization", "Bearer sk-perm")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"gpt-4o-mini\",\"stream\":true,\"messages\":[]}")).build();
            HttpResponse<InputStream> stream = proxy.client().send(request, HttpResponse.BodyHandlers.ofInputStream());
            assertEquals("MISS", stream.headers().firstValue("X-Cache").orElse(null));
            // Past 1 MiB the copy for the cache spills to a file in <cache dir>/tmp: it must be the owner's only.
            Path spill = awaitSpillFile(cacheDir.resolve("tmp"));
            assertEquals(OwnerOnly.FILE, Files.getPosixFilePermissions(spill), "spill file " + spill);
            release.countDown();
            String body;
            try (InputStream in = stream.body()) {
                body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            assertTrue(body.endsWith("data: [DONE]\n\n"));
            HttpResponse<String> hit = proxy.client().send(request, HttpResponse.BodyHandlers.ofString());
            assertEquals("HIT", hit.headers().firstValue("X-Cache").orElse(null), "the stream was stored");
        }

        List<String> exposed = new ArrayList<>();
        List<Path> all;
        try (Stream<Path> walk = Files.walk(cacheDir)) {
            all = walk.toList();
        }
        for (Path path : all) {
            Set<PosixFilePermission> modes = Files.getPosixFilePermissions(path);
            if (Files.isDirectory(path)) {
                if (!modes.equals(OwnerOnly.FOLDER)) {
                    exposed.add(cacheDir.relativize(path) + "/ " + PosixFilePermissions.toString(modes));
                }
            } else if (modes.stream().anyMatch(OTHERS::contains)) {
                // Ehcache writes its own files with the process's umask, in the 0700 ehcache/ folder; the proxy
                // narrows them once the store is open and again once it is closed.
                exposed.add(cacheDir.relativize(path) + " " + PosixFilePermissions.toString(modes));
            }
        }
        assertTrue(all.contains(cacheDir.resolve("key-salt")), "a salt was written: " + all);
        assertTrue(all.stream().anyMatch(p -> p.startsWith(cacheDir.resolve("ehcache")) && Files.isRegularFile(p)), "Ehcache wrote files: " + all);
        assertEquals(List.of(), exposed, "folders must be rwx------ and files not open to group or others");
    }

    @Test
    void anExistingCacheFolderOpenToOthersIsNarrowedAtStart() throws Exception {
        assumeTrue(home.getFileSystem().supportedFileAttributeViews().contains("posix"), "POSIX file modes");
        Path cacheDir = Files.createDirectories(home.resolve("old-cache"));
        Files.setPosixFilePermissions(cacheDir, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (FakeUpstream upstream = FakeUpstream.start(); TestProxy proxy = TestProxy.start(upstream.baseUrl(), cacheDir)) {
            assertEquals(OwnerOnly.FOLDER, Files.getPosixFilePermissions(cacheDir));
            assertEquals(OwnerOnly.FOLDER, Files.getPosixFilePermissions(cacheDir.resolve("tmp")));
            assertEquals(OwnerOnly.FOLDER, Files.getPosixFilePermissions(cacheDir.resolve("ehcache")));
        }
        assertFalse(Files.getPosixFilePermissions(cacheDir).contains(PosixFilePermission.OTHERS_READ));
    }

    private static Path awaitSpillFile(Path spillDir) throws Exception {
        for (int i = 0; i < 200; i++) {
            if (Files.isDirectory(spillDir)) {
                try (Stream<Path> files = Files.list(spillDir)) {
                    Optional<Path> part = files.filter(f -> f.getFileName().toString().endsWith(".part")).findFirst();
                    if (part.isPresent()) {
                        return part.get();
                    }
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no spill file appeared in " + spillDir);
    }
}
