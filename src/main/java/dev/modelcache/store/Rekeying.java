package dev.modelcache.store;

import dev.modelcache.cache.CacheKey;
import dev.modelcache.cache.CacheKeyFactory;
import dev.modelcache.cache.CachedResponse;
import dev.modelcache.cache.EntryFilter;
import dev.modelcache.cache.EntrySummary;
import dev.modelcache.cache.RequestRecord;
import dev.modelcache.files.AtomicFile;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Keeps what was paid for when the key recipe changes: an upgrade that bumps {@link CacheKeyFactory#VERSION}, or a
 * new {@code cache/ignoreFields}, would otherwise leave every stored entry under a key no request computes any
 * more. The recipe in use is written to {@code <cache dir>/key-recipe}; when it differs at start (or the file is
 * missing and entries exist), every entry whose key its request no longer computes is stored again under the new
 * key, once. Its partition and namespace stay as they were: re-keying never lets one caller see another's entries.
 */
public final class Rekeying {
    private static final Logger LOG = System.getLogger(Rekeying.class.getName());
    static final String FILE = "key-recipe";

    private Rekeying() {
    }

    /** The recipe's description: the version and the ignored fields. */
    static String recipe(CacheKeyFactory keys) {
        return CacheKeyFactory.VERSION + "\nignoreFields=" + String.join(",", keys.ignoredFields()) + "\n";
    }

    /** Re-keys the entries of {@code store} when the recipe changed since the last start; returns how many moved. */
    public static int run(Path cacheDir, ResponseStore store, CacheKeyFactory keys) {
        Path file = cacheDir.resolve(FILE);
        String recipe = recipe(keys);
        try {
            if (Files.isRegularFile(file) && Files.readString(file, StandardCharsets.UTF_8).equals(recipe)) {
                return 0;
            }
            int moved = rekey(store, keys);
            if (moved > 0) {
                LOG.log(Level.INFO, "the cache key recipe changed: " + moved + " stored entries were re-keyed");
            }
            AtomicFile.write(file, recipe.getBytes(StandardCharsets.UTF_8));
            return moved;
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot check the key recipe in " + file + ": " + e.getMessage());
            return 0;
        }
    }

    static int rekey(ResponseStore store, CacheKeyFactory keys) {
        int moved = 0;
        for (EntrySummary entry : store.list(EntryFilter.ALL)) {
            CacheKey old = new CacheKey(entry.key());
            Optional<RequestRecord> request = store.request(old);
            if (request.isEmpty() || !CacheKeyFactory.canKey(request.get())) {
                continue;
            }
            RequestRecord current = request.get().withCurrentRecipe();
            CacheKey key = keys.create(current);
            if (key.equals(old)) {
                continue;
            }
            Optional<CachedResponse> response = store.get(old);
            if (response.isPresent() && store.put(key, current, response.get())) {
                store.remove(old);
                moved++;
            }
        }
        return moved;
    }
}
