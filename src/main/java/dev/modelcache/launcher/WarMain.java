package dev.modelcache.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.FileVisitResult;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * {@code java -jar modelcache.war}: the WAR's {@code Main-Class}. The war plugin puts this one class at the WAR's
 * root (where {@code java -jar} finds it; containers never look there), so it may use the JDK only.
 *
 * <p>It unpacks the WAR into a fresh temporary folder, builds a class loader from {@code WEB-INF/launcher/*.jar}
 * (the embedded Tomcat, which is not in {@code WEB-INF/lib}, so that the same WAR deploys unchanged into a
 * container), {@code WEB-INF/classes} and {@code WEB-INF/lib}, and hands over to {@link Launcher} with the
 * unpacked folder as the document root and {@code WEB-INF/launcher/context.xml} as the context file (unless
 * {@code -Dmodelcache.contextFile=} names another). The folder is deleted when the launcher has stopped, and one
 * left by a killed process at the next start ({@link TempFolders}).
 *
 * <p>With arguments ({@code export}, {@code import}, {@code help}, {@code -h}, {@code --help},
 * {@code <command> --help}) it runs that command of {@code Commands} instead of the proxy, and exits with its code.
 */
public final class WarMain {
    private WarMain() {
    }

    public static void main(String[] args) throws Throwable {
        Path war = locateWar();
        Path docBase;
        Runnable cleanup;
        if (Files.isDirectory(war)) {
            // Run from an unpacked WAR (java -cp <folder> dev.modelcache.launcher.WarMain): use it as it is.
            docBase = war;
            cleanup = () -> { };
        } else {
            // A kill -9 leaves the unpacked WAR behind: delete those of processes that are gone.
            TempFolders.deleteStale(TempFolders.WAR_PREFIX);
            docBase = TempFolders.create(TempFolders.WAR_PREFIX);
            Path unpacked = docBase;
            cleanup = () -> deleteTree(unpacked);
            try {
                unpack(war, docBase);
            } catch (IOException | RuntimeException e) {
                cleanup.run();
                throw e;
            }
        }
        ClassLoader loader = new URLClassLoader("modelcache-launcher", classPath(docBase), ClassLoader.getPlatformClassLoader());
        Thread.currentThread().setContextClassLoader(loader);
        if (args.length > 0) {
            System.exit(runCommand(loader, args, docBase, cleanup));
        }
        Method runWar = loader.loadClass("dev.modelcache.launcher.Launcher").getMethod("runWar", Path.class, Runnable.class);
        try {
            runWar.invoke(null, docBase, cleanup);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /** {@code java -jar modelcache.war export ...}: runs a command of {@code Commands}, deletes the unpacked WAR; the exit code. */
    private static int runCommand(ClassLoader loader, String[] args, Path docBase, Runnable cleanup) throws Throwable {
        try {
            Method run = loader.loadClass("dev.modelcache.launcher.Commands").getMethod("run", String[].class, Path.class);
            return (Integer) run.invoke(null, args, docBase);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        } finally {
            cleanup.run();
        }
    }

    /** The WAR (or unpacked folder) this class was loaded from. */
    private static Path locateWar() throws URISyntaxException {
        return Path.of(WarMain.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    private static URL[] classPath(Path docBase) throws IOException {
        List<URL> urls = new ArrayList<>();
        urls.addAll(jars(docBase.resolve("WEB-INF/launcher")));
        urls.add(docBase.resolve("WEB-INF/classes").toUri().toURL());
        urls.addAll(jars(docBase.resolve("WEB-INF/lib")));
        return urls.toArray(URL[]::new);
    }

    private static List<URL> jars(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            throw new IOException("not a complete ModelCache WAR: no " + folder);
        }
        try (Stream<Path> files = Files.list(folder)) {
            List<URL> urls = new ArrayList<>();
            for (Path jar : files.filter(f -> f.getFileName().toString().endsWith(".jar")).sorted().toList()) {
                urls.add(jar.toUri().toURL());
            }
            return urls;
        }
    }

    private static void unpack(Path war, Path target) throws IOException {
        Path root = target.toRealPath();
        try (JarFile jar = new JarFile(war.toFile())) {
            Enumeration<JarEntry> entries = jar.entries();
            while (entries.hasMoreElements()) {
                JarEntry entry = entries.nextElement();
                Path out = root.resolve(entry.getName()).normalize();
                if (!out.startsWith(root)) {
                    throw new IOException("refusing WAR entry outside the target folder: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(out);
                } else {
                    Files.createDirectories(out.getParent());
                    try (InputStream in = jar.getInputStream(entry)) {
                        Files.copy(in, out, StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
        }
    }

    /** Deletes a folder the launcher made; a failure is reported, never thrown (this runs at shutdown). */
    static void deleteTree(Path folder) {
        if (!Files.exists(folder)) {
            return;
        }
        try {
            Files.walkFileTree(folder, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            System.err.println("ModelCache: cannot delete " + folder + ": " + e);
        }
    }

    /**
     * The launchers' temporary folders under {@code java.io.tmpdir}: the unpacked WAR ({@code modelcache-war-}) and
     * Tomcat's base ({@code modelcache-tomcat-}). Each name carries the id of the process that made it,
     * {@code <prefix><pid>-<random>}, so that a start can delete the folders a killed process ({@code kill -9}, a
     * crash) left behind, and only those: a folder whose process still runs is kept. JDK only: {@link WarMain} uses it
     * before any library is on the class path; nested here
     * so that it sits at the WAR's root with it.
     */
    static final class TempFolders {
        static final String WAR_PREFIX = "modelcache-war-";
        static final String TOMCAT_PREFIX = "modelcache-tomcat-";

        private TempFolders() {
        }

        /** A fresh folder {@code <prefix><this pid>-<random>} under {@code java.io.tmpdir} (0700 on POSIX). */
        static Path create(String prefix) throws IOException {
            return Files.createTempDirectory(prefix + ProcessHandle.current().pid() + "-");
        }

        /** Deletes this prefix's folders under {@code java.io.tmpdir} whose process is gone; the names of those deleted. */
        static List<String> deleteStale(String prefix) {
            return deleteStale(Path.of(System.getProperty("java.io.tmpdir")), prefix);
        }

        static List<String> deleteStale(Path tmpDir, String prefix) {
            List<String> deleted = new ArrayList<>();
            try (DirectoryStream<Path> folders = Files.newDirectoryStream(tmpDir, prefix + "*")) {
                for (Path folder : folders) {
                    long pid = ownerPid(folder.getFileName().toString(), prefix);
                    if (pid > 0 && Files.isDirectory(folder) && !Files.isSymbolicLink(folder) && !alive(pid)) {
                        deleteTree(folder);
                        deleted.add(folder.getFileName().toString());
                    }
                }
            } catch (IOException | RuntimeException e) {
                System.err.println("ModelCache: cannot look for stale temporary folders in " + tmpDir + ": " + e);
            }
            return deleted;
        }

        /** The pid in {@code <prefix><pid>-<random>}, or -1 for a name of another form (kept: its owner is unknown). */
        static long ownerPid(String name, String prefix) {
            if (!name.startsWith(prefix)) {
                return -1;
            }
            String rest = name.substring(prefix.length());
            int dash = rest.indexOf('-');
            if (dash <= 0) {
                return -1;
            }
            try {
                return Long.parseLong(rest.substring(0, dash));
            } catch (NumberFormatException e) {
                return -1;
            }
        }

        private static boolean alive(long pid) {
            if (pid == ProcessHandle.current().pid()) {
                return true;
            }
            return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) && !zombie(pid);
        }

        /** A killed process its parent has not reaped yet still has a pid (Linux state Z), but its folders are stale. */
        private static boolean zombie(long pid) {
            try {
                String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
                int name = stat.lastIndexOf(')');
                return name > 0 && stat.length() > name + 2 && stat.charAt(name + 2) == 'Z';
            } catch (IOException | RuntimeException e) {
                return false;
            }
        }
    }
}
