package dev.modelcache.replay.cassette;

import dev.modelcache.cache.CacheKey;
import dev.modelcache.store.RecordFile;
import dev.modelcache.cache.RequestRecord;
import java.util.regex.Pattern;

/**
 * Where an exported entry lies in a cassette folder, relative to it, so that the same entry always gets the same
 * name and a git diff shows what changed:
 * <pre>
 * &lt;namespace, or _default&gt;/&lt;provider&gt;/&lt;path slug&gt;/&lt;model, or no-model&gt;-&lt;first 12 hex digits of the key&gt;.mcr
 * _default/openai/v1-chat-completions/gpt-4o-3f2a9c0d1e7b.mcr
 * </pre>
 * The entries in no namespace are in {@code _default}, a name no namespace can have (a namespace starts with a
 * letter or digit), so that a namespace called {@code default} keeps a folder of its own. The path slug is the
 * request path without its leading slash, slashes turned into dashes. Characters other than letters, digits,
 * {@code .}, {@code _} and {@code -} become {@code _} in every part. The key is the exported (shared) key, so the
 * name does not depend on who recorded the entry. Only the names are derived: an import reads the namespace and
 * everything else from the file's header.
 */
public final class CassetteLayout {
    /** The folder of the entries in no namespace. */
    public static final String NO_NAMESPACE = "_default";
    private static final Pattern UNSAFE = Pattern.compile("[^A-Za-z0-9._-]");
    private static final int MAX_PART = 100;

    private CassetteLayout() {
    }

    /** The file of an exported entry, relative to the cassette folder, with {@code /} between folders. */
    public static String relativePath(RequestRecord exported, CacheKey key) {
        String model = exported.model() == null || exported.model().isEmpty() ? "no-model" : part(exported.model());
        return namespaceFolder(exported.namespace()) + "/" + part(exported.provider()) + "/" + slug(exported.path()) + "/"
                + model + "-" + key.hex().substring(0, 12) + RecordFile.SUFFIX;
    }

    /** The folder of a namespace's entries ({@value #NO_NAMESPACE} for none). */
    public static String namespaceFolder(String namespace) {
        return namespace == null || namespace.isEmpty() ? NO_NAMESPACE : part(namespace);
    }

    static String slug(String path) {
        String trimmed = path == null ? "" : path.replaceAll("^/+|/+$", "");
        return trimmed.isEmpty() ? "root" : part(trimmed.replace('/', '-'));
    }

    private static String part(String text) {
        String safe = UNSAFE.matcher(text == null || text.isEmpty() ? "none" : text).replaceAll("_");
        if (safe.startsWith(".")) {
            safe = "_" + safe.substring(1); // never "." or "..", never a hidden file
        }
        return safe.length() > MAX_PART ? safe.substring(0, MAX_PART) : safe;
    }
}
