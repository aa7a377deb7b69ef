package dev.modelcache.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelcache.config.ConfigKeys;
import dev.modelcache.config.ProvidersConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * The three configuration files agree: web.xml declares every key the application reads, without values;
 * context.xml (Tomcat) and jetty-env.xml (Jetty) bind the same names to the same values, each marked to win over
 * web.xml's declaration. A mismatch here is a deployment that silently reads a key as unset.
 */
class WebappConfigFilesIT {
    /**
     * Every JNDI key ModelCache reads, from the registry: the keys that apply to the web application, the provider
     * table's for each provider the shipped files declare (the launchers' own keys, such as port, are never JNDI).
     */
    static final Set<String> KEYS = webappKeys();

    private static Set<String> webappKeys() {
        Set<String> keys = new TreeSet<>();
        for (ConfigKeys entry : ConfigKeys.values()) {
            if (entry.appliesToWebapp() && entry.templated()) {
                ConfigKeys.DECLARED_PROVIDERS.forEach(provider -> keys.add(entry.of(provider)));
            } else if (entry.appliesToWebapp()) {
                keys.add(entry.key());
            }
        }
        return keys;
    }

    @Test
    void webXmlDeclaresEveryKeyWithoutAValue() throws Exception {
        Path webXml = Path.of(Deployment.required("modelcache.it.webappConfig")).resolveSibling("src/main/webapp/WEB-INF/web.xml");
        Set<String> declared = new TreeSet<>();
        for (Element entry : elements(parse(webXml), "env-entry")) {
            String name = text(entry, "env-entry-name");
            assertTrue(name.startsWith("modelcache/"), name);
            assertEquals("java.lang.String", text(entry, "env-entry-type"), name);
            assertNull(text(entry, "env-entry-value"), name + " must have no value: the container's wins only then");
            declared.add(name.substring("modelcache/".length()));
        }
        assertEquals(new TreeSet<>(KEYS), declared);
        for (String providerKey : ProvidersConfig.KEYS) {
            assertTrue(declared.contains("providers/openai/" + providerKey), "the default provider's " + providerKey);
        }
    }

    @Test
    void contextXmlAndJettyEnvXmlBindTheSameNamesAndValuesAndWinOverWebXml() throws Exception {
        Map<String, String> tomcat = new LinkedHashMap<>();
        for (Element environment : elements(parse(Deployment.webappConfig("context.xml")), "Environment")) {
            String name = environment.getAttribute("name");
            assertEquals("false", environment.getAttribute("override"), name + " needs override=\"false\"");
            assertEquals("java.lang.String", environment.getAttribute("type"), name);
            tomcat.put(name, environment.getAttribute("value"));
        }
        Map<String, String> jetty = new LinkedHashMap<>();
        for (Element entry : elements(parse(Deployment.webappConfig("jetty-env.xml")), "New")) {
            assertEquals("org.eclipse.jetty.plus.jndi.EnvEntry", entry.getAttribute("class"));
            List<Element> args = children(entry, "Arg");
            assertEquals(4, args.size(), "EnvEntry(scope, name, value, overrideWebXml)");
            assertEquals("wac", children(args.get(0), "Ref").get(0).getAttribute("refid"), "scoped to the web application");
            String name = args.get(1).getTextContent().trim();
            assertEquals("true", args.get(3).getTextContent().trim(), name + " needs overrideWebXml = true");
            jetty.put(name, args.get(2).getTextContent().trim());
        }
        assertEquals(tomcat, jetty);
        for (String name : tomcat.keySet()) {
            assertTrue(name.startsWith("modelcache/") && KEYS.contains(name.substring("modelcache/".length())), name + " is a key web.xml declares");
        }
        assertTrue(tomcat.containsKey("modelcache/providers/openai/baseUrl"));
    }

    @Test
    void jettyContextXmlNamesTheEnvFile() throws Exception {
        Document context = parse(Deployment.webappConfig("jetty-context.xml"));
        assertEquals("org.eclipse.jetty.ee10.webapp.WebAppContext", context.getDocumentElement().getAttribute("class"));
        assertTrue(context.getDocumentElement().getTextContent().contains("org.eclipse.jetty.jndi.JettyEnvXml"));
    }

    private static Document parse(Path file) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(false);
        // jetty-env.xml names Jetty's DTD by URL: never fetch it.
        factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        DocumentBuilder builder = factory.newDocumentBuilder();
        return builder.parse(file.toFile());
    }

    private static List<Element> elements(Document document, String tag) {
        List<Element> found = new ArrayList<>();
        NodeList nodes = document.getElementsByTagName(tag);
        for (int i = 0; i < nodes.getLength(); i++) {
            found.add((Element) nodes.item(i));
        }
        return found;
    }

    private static List<Element> children(Element parent, String tag) {
        List<Element> found = new ArrayList<>();
        for (Node child = parent.getFirstChild(); child != null; child = child.getNextSibling()) {
            if (child instanceof Element element && element.getTagName().equals(tag)) {
                found.add(element);
            }
        }
        return found;
    }

    private static String text(Element parent, String tag) {
        List<Element> found = children(parent, tag);
        return found.isEmpty() ? null : found.get(0).getTextContent().trim();
    }
}
