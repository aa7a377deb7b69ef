package dev.modelcache.store;

import dev.modelcache.cache.EntrySummary;
import java.util.Objects;

/**
 * The entries a missed request is compared with ({@code MissExplainer}): one provider, one exact path, one caller's
 * partition, and one model (null: entries without one) unless {@code anyModel}. A null provider or partition matches
 * any, as in {@code EntryFilter}. It exists so that a store can keep its entries grouped this way and answer a miss
 * from the group alone, instead of filtering every entry it holds on every miss.
 */
public record PathGroup(String provider, String path, String partition, String model, boolean anyModel) {
    public PathGroup {
        model = anyModel ? null : model;
    }

    /** The entries of exactly {@code model}. */
    public static PathGroup ofModel(String provider, String path, String partition, String model) {
        return new PathGroup(provider, path, partition, model, false);
    }

    /** The same provider, path and partition, whatever the model. */
    public PathGroup withAnyModel() {
        return new PathGroup(provider, path, partition, null, true);
    }

    /** The group an entry belongs to, with its model. */
    static PathGroup of(EntrySummary entry) {
        return ofModel(entry.provider(), entry.path(), entry.partition(), entry.model());
    }

    public boolean contains(EntrySummary entry) {
        return (provider == null || provider.equals(entry.provider()))
                && path.equals(entry.path())
                && (partition == null || partition.equals(entry.partition()))
                && (anyModel || Objects.equals(model, entry.model()));
    }

    /** Whether {@link #contains} is exact equality on every field, so that a store's groups can answer it. */
    boolean exact() {
        return provider != null && path != null && partition != null;
    }
}
