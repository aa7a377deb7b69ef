package dev.modelcache.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.modelcache.cache.EntryFilter;
import dev.modelcache.cache.EntrySummary;
import dev.modelcache.cache.RequestRecord;
import dev.modelcache.store.ehcache.EhcacheResponseStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The layered store's newest entries of a group are the first of its full listing, shadowed keys included. */
class LayeredStoreTest {
    @TempDir
    Path dir;

    @Test
    void aCassetteEntryShadowedByAnOlderPrimaryOneIsNotAmongTheNewest() {
        RequestRecord request = RecordFixtures.request();
        try (DurableResponseStore primary = EhcacheResponseStore.durable(dir.resolve("p"), 2048, 0, 8, Duration.ZERO,
                Long.MAX_VALUE);
             DurableResponseStore cassettes = EhcacheResponseStore.durable(dir.resolve("c"), 2048, 0, 8, Duration.ZERO,
                     Long.MAX_VALUE)) {
            primary.put(RecordFixtures.key(1), request, RecordFixtures.plain("{}", 50)); // shadows the cassette's
            primary.put(RecordFixtures.key(2), request, RecordFixtures.plain("{}", 60));
            primary.put(RecordFixtures.key(3), request, RecordFixtures.plain("{}", 70));
            cassettes.put(RecordFixtures.key(1), request, RecordFixtures.plain("{}", 1000));
            cassettes.put(RecordFixtures.key(4), request, RecordFixtures.plain("{}", 65));
            LayeredStore layered = new LayeredStore(primary, cassettes);
            PathGroup group = PathGroup.ofModel(request.provider(), request.path(), request.partition(), request.model());
            for (int limit = 1; limit <= 5; limit++) {
                List<EntrySummary> listed = layered.list(new EntryFilter(null, null, null, null, null)).stream()
                        .filter(group::contains).limit(limit).toList();
                assertEquals(listed, layered.newest(group, limit), "limit " + limit);
                assertEquals(listed, layered.newest(group.withAnyModel(), limit), "any model, limit " + limit);
            }
        }
    }
}
