package dev.modelcache.launcher;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * The JNDI layer of the configuration as a Tomcat context file declares it, read without Tomcat: every
 * {@code <Environment name="modelcache/<key>" value="..."/>}, keyed like {@code cache/dir}. Commented-out entries
 * are not entries; an empty value is kept (and counts as unset, as in the container). The commands of
 * {@code java -jar modelcache.war} use it to see the configuration the proxy sees.
 */
final class ContextEnvironment {
    private static final String PREFIX = "modelcache/";

    private ContextEnvironment() {
    }

    static Map<String, String> read(Path contextFile) throws IOException {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setExpandEntityReferences(false);
            NodeList entries = factory.newDocumentBuilder().parse(contextFile.toFile()).getElementsByTagName("Environment");
            Map<String, String> values = new LinkedHashMap<>();
            for (int i = 0; i < entries.getLength(); i++) {
                Element entry = (Element) entries.item(i);
                String name = entry.getAttribute("name");
                if (name.startsWith(PREFIX)) {
                    values.put(name.substring(PREFIX.length()), entry.getAttribute("value"));
                }
            }
            return values;
        } catch (ParserConfigurationException | SAXException e) {
            throw new IOException("cannot read the context file " + contextFile.toAbsolutePath() + ": " + e.getMessage(), e);
        }
    }
}
