package dev.modelcache.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes what can be written from {@link ConfigKeys}: {@code web.xml}'s env-entries and the README's settings table,
 * each between the markers {@value #BEGIN} and {@value #END}. {@code SettingsFilesTest} compares the files with what
 * this makes, and rewrites them when run with {@code -Dmodelcache.regenerate=true}:
 * {@code mvn -q -B test -Dtest=SettingsFilesTest -Dmodelcache.regenerate=true}.
 */
final class SettingsDocs {
    static final String BEGIN = "<!-- settings:begin -->";
    static final String END = "<!-- settings:end -->";
    static final Path WEB_XML = Path.of("src/main/webapp/WEB-INF/web.xml");
    static final Path README = Path.of("README.md");

    private SettingsDocs() {
    }

    /** The concrete keys the shipped files declare: every key, with the provider table's for the declared rows. */
    static List<String> declaredKeys(boolean webappOnly) {
        List<String> keys = new ArrayList<>();
        for (ConfigKeys entry : ConfigKeys.values()) {
            if (webappOnly && !entry.appliesToWebapp()) {
                continue;
            }
            if (!entry.templated()) {
                keys.add(entry.key());
            } else if (entry == firstTemplated()) {
                for (String provider : ConfigKeys.DECLARED_PROVIDERS) {
                    for (ConfigKeys field : ConfigKeys.values()) {
                        if (field.templated()) {
                            keys.add(field.of(provider));
                        }
                    }
                }
            }
        }
        return keys;
    }

    /** web.xml's env-entries: every key the application reads, without a value (the container's wins). */
    static String webXmlBlock() {
        StringBuilder out = new StringBuilder(BEGIN).append('\n');
        out.append("  <!-- Generated from dev.modelcache.config.ConfigKeys (SettingsDocs): edit the registry, not this list. -->\n");
        for (String key : declaredKeys(true)) {
            ConfigKeys entry = ConfigKeys.find(key).orElseThrow();
            String description = plain(entry.summary());
            description += ". Default: " + (entry.defaultValue() == null || entry.defaultValue().isEmpty()
                    ? plain(entry.defaultText()).replace("— ", "none ") : entry.defaultValue()) + ".";
            if (entry.secret() && !entry.summary().contains("A secret")) {
                description += " A secret: prefer the environment variable " + Settings.environmentName(key) + ".";
            }
            out.append("  <env-entry>\n")
                    .append("    <description>").append(xml(description)).append("</description>\n")
                    .append("    <env-entry-name>modelcache/").append(key).append("</env-entry-name>\n")
                    .append("    <env-entry-type>java.lang.String</env-entry-type>\n")
                    .append("  </env-entry>\n");
        }
        return out.append("  ").append(END).toString();
    }

    /** The README's table: one row per registry entry, the provider table's as {@code providers/<name>/...}. */
    static String readmeTable() {
        StringBuilder out = new StringBuilder(BEGIN).append('\n');
        out.append("| key | default | meaning |\n|---|---|---|\n");
        for (ConfigKeys entry : ConfigKeys.values()) {
            out.append("| `").append(entry.key()).append("` | ").append(entry.defaultText()).append(" | ")
                    .append(entry.summary()).append(" |\n");
        }
        return out.append(END).toString();
    }

    /** {@code text} with the part from {@link #BEGIN} to {@link #END} (markers included) replaced by {@code block}. */
    static String replaceBlock(String text, String block) {
        int begin = text.indexOf(BEGIN);
        int end = text.indexOf(END);
        if (begin < 0 || end < begin) {
            throw new IllegalStateException("no " + BEGIN + " ... " + END + " block");
        }
        return text.substring(0, begin) + block + text.substring(end + END.length());
    }

    /** The block as it stands in {@code text}, markers included. */
    static String block(String text) {
        int begin = text.indexOf(BEGIN);
        int end = text.indexOf(END);
        if (begin < 0 || end < begin) {
            throw new IllegalStateException("no " + BEGIN + " ... " + END + " block");
        }
        return text.substring(begin, end + END.length());
    }

    /** Rewrites the block of {@code file} when it differs; true when it changed. */
    static boolean regenerate(Path file, String block) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        String updated = replaceBlock(text, block);
        if (updated.equals(text)) {
            return false;
        }
        Files.writeString(file, updated, StandardCharsets.UTF_8);
        return true;
    }

    private static ConfigKeys firstTemplated() {
        for (ConfigKeys entry : ConfigKeys.values()) {
            if (entry.templated()) {
                return entry;
            }
        }
        throw new IllegalStateException("no provider keys");
    }

    /** Markdown to plain text: links keep their text, code loses its backticks. */
    static String plain(String markdown) {
        return markdown.replaceAll("\\[([^\\]]*)\\]\\([^)]*\\)", "$1").replace("`", "").replace("\\|", "|");
    }

    private static String xml(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
