package dev.modelcache.launcher;

import dev.modelcache.ModelCache;
import dev.modelcache.config.ConfigException;
import dev.modelcache.config.Settings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.LifecycleState;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.scan.StandardJarScanner;

/**
 * Runs ModelCache on a laptop: an embedded Tomcat that deploys the web application exactly as a container would,
 * with {@code webapp-config/context.xml} as its context file (the same JNDI provider table and cache settings)
 * and {@code src/main/webapp} as its document root. The port is {@code modelcache.port} or
 * {@code MODELCACHE_PORT} (default 8080); the context file may be moved with {@code modelcache.contextFile}.
 */
public final class Launcher {
    private final Tomcat tomcat = new Tomcat();
    private Context context;

    /** Starts Tomcat and deploys ModelCache; fails when the application did not start. */
    public static Launcher start(int port, Path contextFile, Path docBase) throws IOException, LifecycleException {
        Launcher launcher = new Launcher();
        launcher.deploy(port, contextFile, docBase);
        return launcher;
    }

    private void deploy(int port, Path contextFile, Path docBase) throws IOException, LifecycleException {
        if (!Files.isRegularFile(contextFile)) {
            throw new IOException("no context file at " + contextFile.toAbsolutePath()
                    + " (run from the project folder, or set -Dmodelcache.contextFile=...)");
        }
        tomcat.setBaseDir(Files.createTempDirectory("modelcache-tomcat").toString());
        tomcat.setPort(port);
        tomcat.getConnector();
        tomcat.enableNaming();
        tomcat.setAddDefaultWebXmlToWebapp(false);
        context = tomcat.addWebapp("", docBase.toAbsolutePath().toString());
        context.setConfigFile(contextFile.toUri().toURL());
        context.setParentClassLoader(Launcher.class.getClassLoader());
        if (context.getJarScanner() instanceof StandardJarScanner scanner) {
            scanner.setScanClassPath(false);
            scanner.setScanManifest(false);
        }
        tomcat.start();
        if (context.getState() != LifecycleState.STARTED) {
            stop();
            throw new LifecycleException("ModelCache did not start; the reason is logged above");
        }
    }

    /** The port Tomcat listens on (the real one when 0 was asked for). */
    public int port() {
        return tomcat.getConnector().getLocalPort();
    }

    /** The running instance inside the web application. */
    public ModelCache app() {
        return (ModelCache) context.getServletContext().getAttribute(ModelCache.ATTRIBUTE);
    }

    public void stop() {
        try {
            tomcat.stop();
            tomcat.destroy();
        } catch (LifecycleException e) {
            System.err.println("ModelCache: Tomcat did not stop cleanly: " + e.getMessage());
        }
    }

    public static void main(String[] args) throws Exception {
        Settings settings = Settings.fromEnvironment();
        int port;
        try {
            String raw = settings.get("port").orElse("8080");
            port = Integer.parseInt(raw);
            if (port < 0 || port > 65535) {
                throw new NumberFormatException();
            }
        } catch (NumberFormatException e) {
            throw new ConfigException("port", "'" + settings.get("port").orElse("") + "' is not a port number");
        }
        Path contextFile = Path.of(System.getProperty("modelcache.contextFile", "webapp-config/context.xml"));
        Path docBase = Path.of(System.getProperty("modelcache.docBase", "src/main/webapp"));
        Launcher launcher;
        try {
            launcher = start(port, contextFile, docBase);
        } catch (IOException | LifecycleException e) {
            System.err.println("ModelCache: " + e.getMessage());
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(launcher::stop, "modelcache-shutdown"));
        ModelCache app = launcher.app();
        System.out.println("ModelCache listening on http://localhost:" + launcher.port() + "/v1"
                + " (health: http://localhost:" + launcher.port() + "/_cache/health)");
        System.out.println("Cache folder: " + app.config().cacheDir().toAbsolutePath());
        System.out.println("Providers: " + app.providers().providers() + "; default: " + app.config().defaultProvider());
        launcher.tomcat.getServer().await();
    }
}
