package dev.modelcache.store;

import dev.modelcache.files.AtomicFile;
import dev.modelcache.files.OwnerOnly;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The keys of pinned entries: a pinned entry is never evicted for the size bound nor expired by its lifetime. The
 * set lives in one small file (one 64-hex key a line, owner-only), rewritten whole at every change through a
 * temporary file, fsync and an atomic move, so a crash leaves the old set or the new one, never half of one.
 */
final class PinSet {
    private final Path file;
    private final Set<String> keys = ConcurrentHashMap.newKeySet();

    PinSet(Path file) {
        this.file = file;
    }

    /** The pins of the record folder {@code recordsFolder}: the file {@code pins} beside it. */
    static PinSet besideRecords(Path recordsFolder) {
        return new PinSet(recordsFolder.resolveSibling("pins"));
    }

    /** Reads the file when there is one; lines that are not a key are skipped. */
    void load() throws IOException {
        if (!Files.exists(file)) {
            return;
        }
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String key = line.trim();
            if (key.matches("[0-9a-f]{64}")) {
                keys.add(key);
            }
        }
    }

    boolean contains(String key) {
        return keys.contains(key);
    }

    /** Pins or unpins {@code key} and saves the set when it changed; true when it changed. */
    synchronized boolean set(String key, boolean pinned) throws IOException {
        boolean changed = pinned ? keys.add(key) : keys.remove(key);
        if (changed) {
            save();
        }
        return changed;
    }

    /** The pinned keys, sorted. */
    Set<String> keys() {
        return Set.copyOf(keys);
    }

    private void save() throws IOException {
        OwnerOnly.createDirectories(file.getParent());
        StringBuilder text = new StringBuilder();
        for (String key : new TreeSet<>(keys)) {
            text.append(key).append('\n');
        }
        AtomicFile.write(file, text.toString().getBytes(StandardCharsets.UTF_8));
    }
}
