package dev.modelcache.deploy;

import static dev.modelcache.deploy.Deployment.assertCachesPlainAndStreamedAnswers;
import static dev.modelcache.deploy.Deployment.assertHealthy;
import static dev.modelcache.deploy.Deployment.replaceOnce;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelcache.support.FakeUpstream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.eclipse.jetty.ee.webapp.WebAppClassLoader;
import org.eclipse.jetty.ee10.plus.webapp.EnvConfiguration;
import org.eclipse.jetty.ee10.plus.webapp.PlusConfiguration;
import org.eclipse.jetty.ee10.webapp.JndiConfiguration;
import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.resource.Resource;
import org.eclipse.jetty.util.resource.ResourceFactory;
import org.eclipse.jetty.xml.XmlConfiguration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The WAR in a real Jetty 12 (ee10), embedded in this JVM, deployed the way a Jetty install deploys it: the
 * context file {@code webapp-config/jetty-context.xml} (what goes to {@code $JETTY_BASE/webapps/modelcache.xml})
 * is applied with Jetty's XmlConfiguration, with {@code jetty.webapps} pointing at target/ (so the WAR FILE
 * target/modelcache.war is deployed, unpacked by Jetty) and {@code jetty.base} at a fresh folder whose
 * {@code etc/modelcache/jetty-env.xml} is {@code webapp-config/jetty-env.xml} with the provider's baseUrl
 * pointed at a fake upstream. Its cache/dir entry stays empty as shipped; the cache goes to target/ through the
 * system property {@code modelcache.cache.dir}, so the test also shows that a system property wins over JNDI.
 * JNDI comes from jetty-ee10-plus: EnvConfiguration reads that env file, PlusConfiguration binds web.xml's
 * env-entries (valueless, so the EnvEntries with overrideWebXml=true keep their values).
 *
 * <p>This JVM's class path holds the same application classes (target/classes). The web application must not
 * use them: Jetty's class loader is parent-last for application classes anyway, and the test also hides
 * {@code dev.modelcache.} from it, so every application class can only come from the WAR's WEB-INF/classes.
 */
class JettyDeploymentIT {
    static final String CACHE_DIR_PROPERTY = "modelcache.cache.dir";
    static final String ALLOW_UNKNOWN_PROPERTY = "modelcache.config.allowUnknown";

    static String previousCacheDir;
    static FakeUpstream upstream;
    static Path base;
    static Server server;
    static WebAppContext webapp;
    static URI modelcache;

    @BeforeAll
    static void startJetty() throws Exception {
        upstream = Deployment.startUpstream();
        base = Deployment.freshDir("jetty");
        Path war = Deployment.war();

        String env = Files.readString(Deployment.webappConfig("jetty-env.xml"));
        env = replaceOnce(env, ">https://api.openai.com<", ">" + upstream.baseUrl() + "<");
        // cache/dir stays as shipped (empty, which Jetty binds as null): the cache folder comes from the system
        // property, which must win over JNDI in a real container too. Nothing else in this JVM reads it.
        assertTrue(env.contains("<Arg>modelcache/cache/dir</Arg><Arg type=\"java.lang.String\"></Arg>"), "cache/dir ships empty");
        previousCacheDir = System.setProperty(CACHE_DIR_PROPERTY, base.resolve("cache").toAbsolutePath().toString());
        // Failsafe's own properties (modelcache.it.*) are in this JVM but are no settings: an unknown name would stop
        // the start, and config/allowUnknown is the documented way to let another tool's names pass.
        System.setProperty(ALLOW_UNKNOWN_PROPERTY, "modelcache.it.*");
        Files.createDirectories(base.resolve("etc/modelcache"));
        Files.writeString(base.resolve("etc/modelcache/jetty-env.xml"), env);

        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);

        Resource contextXml = ResourceFactory.of(server).newResource(Deployment.webappConfig("jetty-context.xml"));
        XmlConfiguration xml = new XmlConfiguration(contextXml);
        xml.getIdMap().put("Server", server);
        xml.getProperties().put("jetty.webapps", war.getParent().toAbsolutePath().toString());
        xml.getProperties().put("jetty.base", base.toAbsolutePath().toString());
        webapp = (WebAppContext) xml.configure();
        assertEquals(war.toAbsolutePath().toString(), webapp.getWar(), "jetty-context.xml deploys modelcache.war from jetty.webapps");

        // What the ee10-plus module adds to every web application of a Jetty install.
        webapp.addConfiguration(new JndiConfiguration(), new EnvConfiguration(), new PlusConfiguration());
        webapp.setTempDirectory(Files.createDirectories(base.resolve("work")).toFile());
        webapp.setParentLoaderPriority(false);
        webapp.getHiddenClassMatcher().add("dev.modelcache.");
        webapp.setThrowUnavailableOnStartupException(true);
        server.setHandler(webapp);
        server.start();
        modelcache = URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/modelcache");
    }

    @AfterAll
    static void stopJetty() throws Exception {
        try {
            if (server != null) {
                server.stop();
            }
        } finally {
            System.clearProperty(ALLOW_UNKNOWN_PROPERTY);
            if (previousCacheDir == null) {
                System.clearProperty(CACHE_DIR_PROPERTY);
            } else {
                System.setProperty(CACHE_DIR_PROPERTY, previousCacheDir);
            }
            if (upstream != null) {
                upstream.close();
            }
        }
    }

    @Test
    void servesTheWarWithTheEnvFilesConfiguration() throws Exception {
        assertTrue(webapp.isAvailable(), "the web application started");
        assertNull(webapp.getUnavailableException());
        assertHealthy(modelcache);
        assertCachesPlainAndStreamedAnswers(modelcache, upstream);
        assertTrue(Files.isDirectory(base.resolve("cache/ehcache")), "the cache is where the system property says");
    }

    @Test
    void theApplicationIsLoadedFromTheWarNotFromTheTestClassPath() throws Exception {
        Class<?> servletClass = webapp.getServletHandler().getServlet("modelcache").getHeldClass();
        // The running instance AppLifecycle made, under the attribute name ModelCache.ATTRIBUTE.
        Object app = webapp.getServletContext().getAttribute("dev.modelcache.ModelCache");
        assertNotNull(app, "AppLifecycle started ModelCache");
        for (Class<?> loaded : List.of(servletClass, app.getClass())) {
            ClassLoader loader = loaded.getClassLoader();
            assertSame(webapp.getClassLoader(), loader, loaded + " is loaded by " + loader);
            assertTrue(loader instanceof WebAppClassLoader, "loaded by " + loader);
            String source = loaded.getProtectionDomain().getCodeSource().getLocation().toString();
            assertTrue(source.startsWith(webapp.getTempDirectory().toURI().toString()) && source.endsWith("/WEB-INF/classes/"),
                    loaded + " comes from the unpacked WAR, not from " + source);
        }
        assertNotSame(dev.modelcache.servlet.ModelCacheServlet.class, servletClass, "not the test class path's copy");
        assertTrue(webapp.isHiddenClass(dev.modelcache.servlet.ModelCacheServlet.class), "the test class path's copy is hidden from the application");
    }
}
