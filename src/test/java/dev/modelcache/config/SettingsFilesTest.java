package dev.modelcache.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every file that names settings agrees with {@link ConfigKeys}: web.xml's env-entries and the README's table are
 * generated ({@link SettingsDocs}; {@code -Dmodelcache.regenerate=true} rewrites them), the Tomcat and Jetty context
 * files and the Ansible role are checked. A key added, renamed or given a new default in one place only fails here.
 */
class SettingsFilesTest {
    private static final boolean REGENERATE = Boolean.getBoolean("modelcache.regenerate");
    private static final Path ROLE = Path.of("ansible/roles/modelcache");

    @Test
    void webXmlDeclaresTheRegistrysWebappKeys() throws IOException {
        generated(SettingsDocs.WEB_XML, SettingsDocs.webXmlBlock());
    }

    @Test
    void theReadmeTableIsTheRegistry() throws IOException {
        generated(SettingsDocs.README, SettingsDocs.readmeTable());
    }

    @Test
    void contextXmlNamesEveryWebappKeyWithItsDefault() throws IOException {
        String text = read(Path.of("webapp-config/context.xml"));
        checkEntries("context.xml", entries(text, Pattern.compile("<Environment\\s+name=[^>]*>"), SettingsFilesTest::tomcatEntry),
                entries(withoutComments(text), Pattern.compile("<Environment\\s+name=[^>]*>"), SettingsFilesTest::tomcatEntry));
    }

    @Test
    void jettyEnvXmlNamesEveryWebappKeyWithItsDefault() throws IOException {
        String text = read(Path.of("webapp-config/jetty-env.xml"));
        Pattern entry = Pattern.compile("<New class=\"org.eclipse.jetty.plus.jndi.EnvEntry\">(.*?)</New>", Pattern.DOTALL);
        checkEntries("jetty-env.xml", entries(text, entry, SettingsFilesTest::jettyEntry),
                entries(withoutComments(text), entry, SettingsFilesTest::jettyEntry));
    }

    @Test
    void theAnsibleRoleCanSetEveryWebappKey() throws IOException {
        String template = read(ROLE.resolve("templates/context.xml.j2"));
        String defaults = read(ROLE.resolve("defaults/main.yml"));
        String readme = read(Path.of("ansible/README.md"));
        List<String> missing = new ArrayList<>();
        for (ConfigKeys entry : ConfigKeys.values()) {
            if (!entry.appliesToWebapp()) {
                continue;
            }
            String rendered = entry.templated()
                    ? "'" + entry.key().substring(0, entry.key().indexOf(ConfigKeys.NAME)) + "' ~ p.name ~ '/" + entry.field() + "'"
                    : "entry('" + entry.key() + "',";
            if (!template.contains(rendered)) {
                missing.add("templates/context.xml.j2 renders no " + rendered);
            }
            if (!names(defaults, entry.key())) {
                missing.add("defaults/main.yml names no " + entry.key());
            }
            if (!readme.contains("`" + entry.key() + "`")) {
                missing.add("ansible/README.md names no `" + entry.key() + "`");
            }
        }
        assertEquals(List.of(), missing, "every key that applies to the webapp is settable through the role");
    }

    /** Compares the file's generated block with the registry's, or rewrites it when asked to. */
    private static void generated(Path file, String block) throws IOException {
        if (REGENERATE) {
            SettingsDocs.regenerate(file, block);
        }
        assertEquals(block, SettingsDocs.block(read(file)), file + " differs from ConfigKeys: run this test with"
                + " -Dmodelcache.regenerate=true to rewrite its block from the registry");
    }

    /**
     * {@code all} (active and commented-out examples) name only registered keys, every webapp key (the provider
     * table's for each declared provider), each as a String, with the registry's default where it has one; a
     * secret is never given an active value.
     */
    private static void checkEntries(String file, List<String[]> all, List<String[]> active) {
        List<String> problems = new ArrayList<>();
        Map<String, String> named = new LinkedHashMap<>();
        for (String[] e : all) {
            String key = e[0];
            named.put(key, e[1]);
            ConfigKeys entry = ConfigKeys.find(key).orElse(null);
            if (entry == null) {
                problems.add(key + " is not in ConfigKeys");
                continue;
            }
            if (!"java.lang.String".equals(e[2])) {
                problems.add(key + " has type " + e[2] + ", not java.lang.String");
            }
            if (!entry.templated() && entry.defaultValue() != null && !entry.defaultValue().equals(e[1])) {
                problems.add(key + " is given " + e[1] + ", but its default is " + entry.defaultValue());
            }
        }
        for (String key : SettingsDocs.declaredKeys(true)) {
            if (!named.containsKey(key)) {
                problems.add(key + " is missing");
            }
        }
        for (String[] e : active) {
            if (ConfigKeys.find(e[0]).map(ConfigKeys::secret).orElse(false)) {
                problems.add(e[0] + " is a secret, so it may only appear as a commented-out example");
            }
        }
        assertEquals(List.of(), problems, file + " differs from ConfigKeys");
    }

    private static List<String[]> entries(String text, Pattern element, java.util.function.Function<String, String[]> parse) {
        List<String[]> found = new ArrayList<>();
        Matcher m = element.matcher(text);
        while (m.find()) {
            found.add(parse.apply(m.group()));
        }
        return found;
    }

    /** name (without {@code modelcache/}), value, type of one {@code <Environment .../>}. */
    private static String[] tomcatEntry(String element) {
        return new String[] {attribute(element, "name").replaceFirst("^modelcache/", ""), attribute(element, "value"),
                attribute(element, "type")};
    }

    /** name, value, type of one {@code EnvEntry(scope, name, value, overrideWebXml)}. */
    private static String[] jettyEntry(String element) {
        Matcher name = Pattern.compile("<Arg>modelcache/([^<]*)</Arg>").matcher(element);
        Matcher value = Pattern.compile("<Arg type=\"([^\"]*)\">([^<]*)</Arg>").matcher(element);
        return new String[] {name.find() ? name.group(1).trim() : "(no name)", value.find() ? value.group(2).trim() : null,
                value.find(0) ? value.group(1) : null};
    }

    private static String attribute(String element, String name) {
        Matcher m = Pattern.compile("\\s" + name + "=\"([^\"]*)\"").matcher(element);
        return m.find() ? m.group(1) : null;
    }

    private static String withoutComments(String xml) {
        return xml.replaceAll("(?s)<!--.*?-->", "");
    }

    /** True when {@code text} holds {@code key} as a whole word (not part of a longer key). */
    private static boolean names(String text, String key) {
        return Pattern.compile("(?<![\\w/])" + Pattern.quote(key) + "(?![\\w/])").matcher(text).find();
    }

    private static String read(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.UTF_8);
    }
}
