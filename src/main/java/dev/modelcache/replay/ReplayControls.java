package dev.modelcache.replay;

import dev.modelcache.cache.CacheKeyFactory;
import dev.modelcache.cache.CachePolicy;
import dev.modelcache.store.ResponseStore;

/**
 * The parts of record and replay that the pipeline and the admin endpoints share: the mode switch, the policy and
 * key factory that use it, the store (cassettes included), the sequences' counts, the miss explainer and the CI
 * report.
 */
public record ReplayControls(ModeSwitch mode, CachePolicy policy, CacheKeyFactory keys, ResponseStore store,
                             Sequences sequences, MissExplainer explainer, ReplayReport report) {
}
