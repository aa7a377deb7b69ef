package dev.modelcache.replay;

import dev.modelcache.cache.CacheKeyFactory;
import dev.modelcache.cache.CachePolicy;
import dev.modelcache.store.ResponseStore;
import java.util.List;

/**
 * The parts of record and replay that the pipeline and the admin endpoints share: the mode switch, the policy and
 * key factory that use it, the store (cassettes included), the sequences' counts, the miss explainer and the CI
 * report; and the header fields an export leaves out of cassettes besides the
 * built-in list ({@code cache/cassetteDropHeaders}).
 */
public record ReplayControls(ModeSwitch mode, CachePolicy policy, CacheKeyFactory keys, ResponseStore store,
                             Sequences sequences, MissExplainer explainer, ReplayReport report,
                             List<String> cassetteDropHeaders) {
}
