package dev.modelcache.launcher;

import dev.modelcache.servlet.AppLifecycle;
import dev.modelcache.ModelCache;
import dev.modelcache.config.ConfigException;
import dev.modelcache.config.ConfigKeys;
import dev.modelcache.config.ConfigReader;
import dev.modelcache.config.Settings;
import dev.modelcache.config.UnknownSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.LifecycleState;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.core.StandardContext;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.scan.StandardJarScanner;

/**
 * Runs ModelCache on a laptop: an embedded Tomcat that deploys the web application exactly as a container would,
 * with {@code webapp-config/context.xml} as its context file (the same JNDI provider table and cache settings)
 * and {@code src/main/webapp} as its document root. The port is {@code modelcache.port} or
 * {@code MODELCACHE_PORT} (default 8080), the address {@code host} (default {@code 127.0.0.1}) and the connector's
 * sizes the other {@link ServerSettings}; the context file may be moved with {@code modelcache.contextFile}.
 * Errors Tomcat raises itself are answered in the proxy's error shape ({@link JsonErrorReportValve}). On a stop,
 * answers in flight get {@code shutdownDrainSeconds} to finish. A provider without a configured key may take it
 * from its conventional environment variable ({@link EnvKeys}; then loopback only). Listening beyond this machine
 * without {@code admin/token}, it makes one and keeps it in the cache folder ({@link OpenBindToken}). Tomcat logs
 * none of what clients send ({@link TomcatUserData}). A start that cannot go on (a taken port, a bad value, a name
 * that is no setting) ends the process with exit code 1 and its reason as the last line on standard error, without a
 * stack trace ({@link PortProbe}, {@link QuietFailure}, {@code UnknownSettings}); what runs is the application's start
 * banner, and the launcher adds the URLs. With {@code launcher/exitWithStdin} it stops when its input ends
 * ({@link StdinExit}).
 *
 * <p>{@code java -jar modelcache.war} runs it too: {@link WarMain} unpacks the WAR and calls
 * {@link #runWar(Path, Runnable)} with the unpacked folder as document root and its
 * {@code WEB-INF/launcher/context.xml} as context file.
 *
 * <p>The web application's class loader delegates to the launcher's first (parent-first): the launcher's class
 * path already holds the application (target/classes under {@code exec:java}, the WAR's {@code WEB-INF/classes}
 * and {@code WEB-INF/lib} under {@code java -jar}), so every class is loaded once and {@link #app()} returns an
 * instance of the launcher's own {@link ModelCache} class.
 */
public final class Launcher {
    /** The context file inside the WAR that {@code java -jar modelcache.war} uses by default. */
    static final String WAR_CONTEXT_FILE = "WEB-INF/launcher/context.xml";

    private final Tomcat tomcat = new Tomcat();
    private Context context;
    private Path baseDir;
    private OpenBindToken adminToken;

    /** Starts Tomcat and deploys ModelCache; fails when the application did not start. */
    public static Launcher start(int port, Path contextFile, Path docBase) throws IOException, LifecycleException {
        return start(port, ServerSettings.from(Settings.fromEnvironment()), contextFile, docBase);
    }

    /** The same, with the connector's address and sizes given; provider keys may come from the process's environment. */
    public static Launcher start(int port, ServerSettings server, Path contextFile, Path docBase)
            throws IOException, LifecycleException {
        return start(port, server, contextFile, docBase, System.getenv());
    }

    /** The same, with the environment variables {@link EnvKeys} may take provider keys from. */
    public static Launcher start(int port, ServerSettings server, Path contextFile, Path docBase,
                                 Map<String, String> environment) throws IOException, LifecycleException {
        Launcher launcher = new Launcher();
        launcher.deploy(port, server, contextFile, docBase, new EnvKeys(environment, server.host()));
        return launcher;
    }

    private void deploy(int port, ServerSettings server, Path contextFile, Path docBase, EnvKeys envKeys)
            throws IOException, LifecycleException {
        if (!Files.isRegularFile(contextFile)) {
            throw new IOException("no context file at " + contextFile.toAbsolutePath()
                    + " (run from the project folder, or set -Dmodelcache.contextFile=...)");
        }
        String taken = PortProbe.problem(server.host(), port);
        if (taken != null) {
            throw new LifecycleException(taken);
        }
        TomcatUserData.silence();
        adminToken = new OpenBindToken(server.host());
        baseDir = WarMain.TempFolders.create(WarMain.TempFolders.TOMCAT_PREFIX);
        tomcat.setBaseDir(baseDir.toString());
        tomcat.setPort(port);
        server.applyTo(tomcat.getConnector());
        if (tomcat.getHost() instanceof StandardHost host) {
            host.setErrorReportValveClass(JsonErrorReportValve.class.getName());
        }
        tomcat.enableNaming();
        tomcat.setAddDefaultWebXmlToWebapp(false);
        context = tomcat.addWebapp("", docBase.toAbsolutePath().toString());
        context.setConfigFile(contextFile.toUri().toURL());
        context.setParentClassLoader(Launcher.class.getClassLoader());
        // The launcher's own settings layer, read by AppLifecycle; a container adds none.
        UnaryOperator<Settings> layer = settings -> adminToken.apply(envKeys.apply(settings));
        QuietFailure failure = new QuietFailure();
        context.addServletContainerInitializer((classes, servletContext) -> {
            servletContext.setAttribute(AppLifecycle.SETTINGS_LAYER, layer);
            servletContext.setAttribute(AppLifecycle.FAILURE, failure.holder());
        }, null);
        if (context instanceof StandardContext standard) {
            standard.setDelegate(true);
        }
        if (context.getJarScanner() instanceof StandardJarScanner scanner) {
            scanner.setScanClassPath(false);
            scanner.setScanManifest(false);
        }
        try (failure) {
            tomcat.start();
        }
        if (context.getState() != LifecycleState.STARTED) {
            stop();
            RuntimeException reason = failure.reason();
            throw reason == null ? new LifecycleException("ModelCache did not start; the reason is logged above")
                    : new LifecycleException(AppLifecycle.oneLine(reason), reason);
        }
        if (tomcat.getConnector().getState() != LifecycleState.STARTED || tomcat.getConnector().getLocalPort() < 0) {
            stop();
            throw new LifecycleException(PortProbe.notListening(server.host(), port, "Tomcat's connector did not start"));
        }
        if (context instanceof StandardContext standard) {
            // How long Tomcat lets requests still being served finish when the application stops (default 2 s):
            // as long as the application itself waits for them (shutdownDrainSeconds).
            standard.setUnloadDelay(Math.max(2000, app().config().server().shutdownDrain().toMillis()));
        }
    }

    /** The port Tomcat listens on (the real one when 0 was asked for). */
    public int port() {
        return tomcat.getConnector().getLocalPort();
    }

    /** The Tomcat connector (its address is where the launcher listens). */
    public Connector connector() {
        return tomcat.getConnector();
    }

    /**
     * The file holding the admin token this launcher made (or found from an earlier start) because it listens beyond
     * this machine with no {@code admin/token} configured; empty otherwise ({@link OpenBindToken}).
     */
    public Optional<Path> adminTokenFile() {
        return adminToken == null ? Optional.empty() : adminToken.file();
    }

    /** The running instance inside the web application. */
    public ModelCache app() {
        return (ModelCache) context.getServletContext().getAttribute(ModelCache.ATTRIBUTE);
    }

    /** Stops Tomcat (the application writes its cache out) and deletes Tomcat's temporary base folder. */
    public void stop() {
        try {
            tomcat.stop();
            tomcat.destroy();
        } catch (LifecycleException e) {
            System.err.println("ModelCache: Tomcat did not stop cleanly: " + e.getMessage());
        }
        if (baseDir != null) {
            WarMain.deleteTree(baseDir);
        }
    }

    /** {@code mvn exec:java}: {@code webapp-config/context.xml} and {@code src/main/webapp} of the project folder. */
    public static void main(String[] args) throws Exception {
        Path contextFile = Path.of(System.getProperty("modelcache.contextFile", "webapp-config/context.xml"));
        Path docBase = Path.of(System.getProperty("modelcache.docBase", "src/main/webapp"));
        run(contextFile, docBase, () -> { });
    }

    /**
     * {@code java -jar modelcache.war}, called by {@link WarMain} inside the launcher class loader: serves the
     * unpacked WAR in {@code docBase} with its packed context file (or {@code modelcache.contextFile}), and runs
     * {@code afterStop} (deleting the unpacked WAR) once Tomcat has stopped, also when it failed to start.
     */
    public static void runWar(Path docBase, Runnable afterStop) throws Exception {
        String contextFile = System.getProperty("modelcache.contextFile");
        run(contextFile != null ? Path.of(contextFile) : docBase.resolve(WAR_CONTEXT_FILE), docBase, afterStop);
    }

    private static void run(Path contextFile, Path docBase, Runnable afterStop) throws Exception {
        Settings settings = Settings.fromEnvironment();
        int port;
        ServerSettings server;
        try {
            UnknownSettings.check(settings);
            port = (int) new ConfigReader(settings).number(ConfigKeys.PORT, 0, 65535);
            server = ServerSettings.from(settings);
        } catch (ConfigException e) {
            exit(e.getMessage(), afterStop);
            return;
        }
        WarMain.TempFolders.deleteStale(WarMain.TempFolders.TOMCAT_PREFIX);
        AccessLogConsole.install();
        Launcher launcher;
        try {
            launcher = start(port, server, contextFile, docBase);
        } catch (IOException | LifecycleException e) {
            exit(e.getMessage(), afterStop);
            return;
        }
        ModelCache app = launcher.app();
        // java.util.logging resets its handlers in its own shutdown hook, which runs beside this one: what the
        // stop has to say goes to the console directly.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            int inFlight = app.inFlight().count();
            System.out.println("ModelCache stopping" + (inFlight == 0 ? "" : ": waiting up to "
                    + app.config().server().shutdownDrain().toSeconds() + " s for " + inFlight + " answer(s) in flight"));
            launcher.stop();
            afterStop.run();
            System.out.println("ModelCache stopped; the cache is written to " + app.config().cache().dir().toAbsolutePath());
        }, "modelcache-shutdown"));
        System.out.println("ModelCache listening on http://localhost:" + launcher.port() + "/v1"
                + " (health: http://localhost:" + launcher.port() + "/_cache/health)"
                + (server.open() ? "; open to the network on " + server.host() : "; this machine only (host " + server.host() + ")"));
        System.out.println("Dashboard: http://localhost:" + launcher.port() + "/_cache/");
        launcher.adminTokenFile().ifPresent(file -> System.out.println("Admin token (no admin/token is set and this"
                + " proxy listens beyond this machine): in " + file.toAbsolutePath() + "; the admin endpoints and the"
                + " dashboard ask for it"));
        StdinExit.watch(settings, System.in, () -> System.exit(0));
        launcher.tomcat.getServer().await();
    }

    /**
     * A start that cannot go on: its reason on one line of standard error (no stack trace), the unpacked WAR
     * deleted, exit code 1. The line is the last the process prints, so a CI log ends with it.
     */
    private static void exit(String reason, Runnable afterStop) {
        afterStop.run();
        System.err.println("ModelCache cannot start: " + reason.replaceAll("\\s*[\\r\\n]+\\s*", " "));
        System.exit(1);
    }
}
