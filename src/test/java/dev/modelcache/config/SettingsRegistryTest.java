package dev.modelcache.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The code reads no key the registry lacks: {@link Settings} refuses an unregistered name, and no string literal in
 * {@code src/main} names a key, registered or not, outside {@link ConfigKeys} (a key written out is one that can
 * drift from the registry).
 */
class SettingsRegistryTest {
    private static final Path MAIN = Path.of("src/main/java");
    private static final Path REGISTRY = MAIN.resolve("dev/modelcache/config/ConfigKeys.java");

    @Test
    void settingsRefuseAKeyTheRegistryLacks() {
        Settings settings = Settings.of(Map.of("cache/dir", "/tmp/x"));
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> settings.get("cache/colour"));
        assertTrue(refused.getMessage().contains("ConfigKeys"), refused.getMessage());
        assertThrows(IllegalArgumentException.class, () -> settings.withDefaults(Map.of("admin/tokens", "x")));
        assertThrows(IllegalArgumentException.class, () -> settings.get("providers/openai/colour"));
        assertEquals(Optional.of("/tmp/x"), settings.get(ConfigKeys.CACHE_DIR));
        assertEquals(Optional.empty(), settings.get("providers/my-llm/apiKey"), "any provider's row is registered");
    }

    @Test
    void everyKeyIsListedOnceWithAUsableDefault() {
        Set<String> seen = new HashSet<>();
        for (ConfigKeys entry : ConfigKeys.values()) {
            assertTrue(seen.add(entry.key()), entry.key() + " is listed twice");
            assertTrue(entry.key().matches("[a-z]+(/([a-z]+|<name>))?(/[a-z][A-Za-z]*)?|[a-z][A-Za-z]*"), entry.key());
            assertTrue(!entry.summary().isBlank() && !entry.summary().contains("\n") && !entry.summary().contains(" | "),
                    entry.key() + ": one line, without a table separator");
            assertEquals(Optional.of(entry), ConfigKeys.find(entry.templated() ? entry.of("groq") : entry.key()));
        }
        assertEquals(Set.of("type", "baseUrl", "models", "apiKey"), ConfigKeys.providerFields());
        assertEquals(Optional.empty(), ConfigKeys.find("providers/a/b/type"), "a provider name holds no /");
    }

    /** A setting read through its default explicitly is read as it is when unset: the registry's defaults are the code's. */
    @Test
    void theRegistrysDefaultsAreTheOnesTheCodeUses() {
        Map<String, String> minimal = Map.of("providers/openai/baseUrl", "https://api.openai.com");
        Map<String, String> explicit = new java.util.HashMap<>(minimal);
        for (ConfigKeys entry : ConfigKeys.values()) {
            if (!entry.templated() && entry.defaultValue() != null && !entry.defaultValue().isEmpty()) {
                explicit.put(entry.key(), entry.defaultValue());
            }
        }
        assertEquals(Config.from(Settings.of(minimal)).toString(), Config.from(Settings.of(explicit)).toString());
    }

    /**
     * No literal is a key by itself or the start of one built by concatenation ({@code "providers/" + name}): such a
     * literal is a lookup or a name that bypasses the registry. Prose may name keys (an error message tells which
     * key to change), but each one it names must be registered, so a renamed key cannot leave a stale message.
     */
    @Test
    void noStringLiteralInSrcMainNamesAKeyOutsideTheRegistry() throws IOException {
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(MAIN)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java") && !f.equals(REGISTRY)).sorted().toList()) {
                // The JUnit 5 extension runs the proxy as a child and cannot import the registry: it names settings
                // as text, each of which must be registered.
                boolean outside = MAIN.relativize(file).startsWith(Path.of("dev", "modelcache", "junit5"));
                for (String literal : JavaLiterals.of(Files.readString(file, StandardCharsets.UTF_8))) {
                    if (outside) {
                        if (literal.matches("[a-z]+(/[A-Za-z]+)+") && ConfigKeys.find(literal).isEmpty()
                                && Arrays.stream(ConfigKeys.values()).anyMatch(e -> e.key().startsWith(literal.split("/")[0] + "/"))) {
                            found.add(MAIN.relativize(file) + ": \"" + literal + "\" is no registered key");
                        }
                        continue;
                    }
                    problem(literal).ifPresent(why -> found.add(MAIN.relativize(file) + ": \"" + literal + "\" " + why));
                }
            }
        }
        assertEquals(List.of(), found, "name keys through ConfigKeys (ConfigKeys.X.key(), .of(provider)), not as text");
    }

    /** Why {@code literal} names a key the way only {@link ConfigKeys} may, if it does. */
    static Optional<String> problem(String literal) {
        String trimmed = literal.trim();
        if (ConfigKeys.find(trimmed).isPresent() && (trimmed.contains("/") || trimmed.length() > 4)) {
            return Optional.of("is a key");
        }
        Matcher token = KEY_TOKEN.matcher(literal);
        while (token.find()) {
            String key = token.group(1);
            if (key.endsWith("/")) {
                return Optional.of("builds a key from " + key);
            }
            boolean templated = Arrays.stream(ConfigKeys.values()).anyMatch(e -> e.key().equals(key));
            if (!templated && ConfigKeys.find(key).isEmpty()) {
                return Optional.of("names " + key + ", which ConfigKeys lacks");
            }
        }
        return Optional.empty();
    }

    /** A key's group, a slash and what follows it as far as a key goes ({@code cache/dir}, {@code providers/<name>/type}). */
    private static final Pattern KEY_TOKEN = Pattern.compile("(?<![\\w/.-])((?:" + String.join("|", groups())
            + ")/(?:<name>|[A-Za-z0-9_-]*)(?:/[A-Za-z]*)?)");

    private static Set<String> groups() {
        Set<String> groups = new HashSet<>();
        for (ConfigKeys entry : ConfigKeys.values()) {
            int slash = entry.key().indexOf('/');
            if (slash > 0) {
                groups.add(Pattern.quote(entry.key().substring(0, slash)));
            }
        }
        return groups;
    }

    @Test
    void theScanSeesKeysInLiteralsButNotInCommentsOrPaths() {
        List<String> literals = JavaLiterals.of("""
                /** {@code cache/colour} */ // "log/colour"
                String a = "cache/colour"; String b = "see " + "providers/"; char c = '"'; String h = "log/access";
                String d = "/_cache/stats"; String e = "maxBodyBytes"; String f = "host"; String g = "a \\" log/x";
                String i = "raise cache/maxEntryMB or providers/<name>/models";
                """);
        assertEquals(List.of("cache/colour", "see ", "providers/", "log/access", "/_cache/stats", "maxBodyBytes", "host",
                "a \\\" log/x", "raise cache/maxEntryMB or providers/<name>/models"), literals);
        assertEquals(List.of("cache/colour", "providers/", "log/access", "maxBodyBytes", "a \\\" log/x"),
                literals.stream().filter(l -> problem(l).isPresent()).toList());
    }
}
