package dev.modelcache.config;

import com.fasterxml.jackson.core.JsonPointer;
import dev.modelcache.cache.CacheMode;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The keys that shape what is cached and how it replays, {@code cache/...}: the {@code mode}; the {@code policy}
 * ({@code all}, or {@code deterministic}: only requests with {@code temperature} 0 or a {@code seed}); whether all
 * callers share one partition ({@code shared}); the JSON body fields left out of the key ({@code ignoreFields},
 * JSON pointers separated by commas); the cassette folders served read-only ({@code cassettes}); and sequences
 * ({@code sequences}, and {@code sequenceEnd}: {@code repeat} the last recorded answer or {@code fail} with 504 when
 * they run out); the answer header fields cassettes leave out besides the built-in list
 * ({@code cassetteDropHeaders}); what is replaced by a placeholder before an entry is stored ({@code redact}).
 */
public record ReplayConfig(CacheMode mode, boolean deterministicOnly, boolean shared, List<String> ignoreFields,
                           List<Path> cassettes, boolean sequences, boolean repeatLastInSequence,
                           List<String> cassetteDropHeaders, List<String> redact) {
    /** Fields that never change an answer: who asks ({@code user}) and the caller's own labels ({@code metadata}). */
    private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    public static final List<String> DEFAULT_IGNORE_FIELDS = List.of(ConfigKeys.CACHE_IGNORE_FIELDS.defaultValue().split(","));

    public ReplayConfig {
        ignoreFields = List.copyOf(ignoreFields);
        cassettes = List.copyOf(cassettes);
        cassetteDropHeaders = List.copyOf(cassetteDropHeaders);
        redact = List.copyOf(redact);
    }

    /** The defaults: read-through, every request, isolated callers, {@code /user} and {@code /metadata} ignored. */
    public static ReplayConfig defaults() {
        return new ReplayConfig(CacheMode.READTHROUGH, false, false, DEFAULT_IGNORE_FIELDS, List.of(), false, true,
                List.of(), List.of());
    }

    static ReplayConfig read(ConfigReader r) {
        String modeText = r.textOrDefault(ConfigKeys.CACHE_MODE);
        CacheMode mode = CacheMode.parse(modeText).orElseThrow(() -> new ConfigException(ConfigKeys.CACHE_MODE.key(),
                "'" + modeText + "' is not one of readthrough, record, replay, passthrough"));
        String policy = r.textOrDefault(ConfigKeys.CACHE_POLICY).trim().toLowerCase(Locale.ROOT);
        if (!policy.equals("all") && !policy.equals("deterministic")) {
            throw new ConfigException(ConfigKeys.CACHE_POLICY.key(), "'" + policy + "' is not one of all, deterministic");
        }
        List<String> ignore = r.text(ConfigKeys.CACHE_IGNORE_FIELDS).map(text -> pointers(text)).orElse(DEFAULT_IGNORE_FIELDS);
        String end = r.textOrDefault(ConfigKeys.CACHE_SEQUENCE_END).trim().toLowerCase(Locale.ROOT);
        if (!end.equals("repeat") && !end.equals("fail")) {
            throw new ConfigException(ConfigKeys.CACHE_SEQUENCE_END.key(), "'" + end + "' is not one of repeat, fail");
        }
        return new ReplayConfig(mode, policy.equals("deterministic"), r.flag(ConfigKeys.CACHE_SHARED), ignore,
                r.text(ConfigKeys.CACHE_CASSETTES).map(ReplayConfig::folders).orElse(List.of()), r.flag(ConfigKeys.CACHE_SEQUENCES),
                end.equals("repeat"), names(r.text(ConfigKeys.CACHE_CASSETTE_DROP_HEADERS).orElse(""), false),
                names(r.text(ConfigKeys.CACHE_REDACT).orElse(""), true));
    }

    private static List<String> pointers(String text) {
        List<String> pointers = new ArrayList<>();
        for (String part : text.split(",")) {
            String pointer = part.trim();
            if (pointer.isEmpty()) {
                continue;
            }
            if (!pointer.startsWith("/")) {
                throw new ConfigException(ConfigKeys.CACHE_IGNORE_FIELDS.key(), "'" + pointer + "' is not a JSON pointer (it must start with /, for example /user)");
            }
            try {
                JsonPointer.compile(pointer);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(ConfigKeys.CACHE_IGNORE_FIELDS.key(), "'" + pointer + "' is not a JSON pointer: " + e.getMessage());
            }
            pointers.add(pointer);
        }
        return pointers;
    }

    /**
     * Header names (for {@code cache/cassetteDropHeaders}, a trailing {@code *} allowed), and for
     * {@code cache/redact} also JSON pointers (they start with {@code /}).
     */
    private static List<String> names(String text, boolean redact) {
        ConfigKeys key = redact ? ConfigKeys.CACHE_REDACT : ConfigKeys.CACHE_CASSETTE_DROP_HEADERS;
        List<String> names = new ArrayList<>();
        for (String part : text.split(",")) {
            String name = part.trim();
            if (name.isEmpty()) {
                continue;
            }
            if (redact && name.startsWith("/")) {
                try {
                    JsonPointer.compile(name);
                } catch (IllegalArgumentException e) {
                    throw new ConfigException(key.key(), "'" + name + "' is not a JSON pointer: " + e.getMessage());
                }
            } else if (!HEADER_NAME.matcher(redact ? name : name.replaceFirst("\\*$", "")).matches()) {
                throw new ConfigException(key.key(), "'" + name + "' is not a header name" + (redact
                        ? " nor a JSON pointer (it starts with /, for example /messages/0/content)" : " (a trailing * matches a prefix)"));
            }
            names.add(name);
        }
        return names;
    }

    private static List<Path> folders(String text) {
        List<Path> folders = new ArrayList<>();
        for (String part : Arrays.asList(text.split(","))) {
            String folder = part.trim();
            if (folder.isEmpty()) {
                continue;
            }
            try {
                folders.add(Path.of(folder.startsWith("~/") ? System.getProperty("user.home") + folder.substring(1) : folder));
            } catch (InvalidPathException e) {
                throw new ConfigException(ConfigKeys.CACHE_CASSETTES.key(), "'" + folder + "' is not a usable path");
            }
        }
        return folders;
    }
}
