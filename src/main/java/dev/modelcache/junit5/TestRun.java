package dev.modelcache.junit5;

import java.util.List;
import java.util.Optional;

/** A test's configuration and proxy, the misses before it, and whether its failure was reported already. */
final class TestRun {
    final ProxyConfig config;
    final ModelCacheProxy proxy;
    final ProxyProcess process;
    int missesBefore;
    boolean reported;
    SdkProperties properties;

    TestRun(ProxyConfig config, ModelCacheProxy proxy, ProxyProcess process) {
        this.config = config;
        this.proxy = proxy;
        this.process = process;
    }

    /** In replay, the test's misses since it began as one assertion error; empty when it had none. */
    Optional<AssertionError> missFailure(String displayName) {
        if (config.mode() != Mode.REPLAY) {
            return Optional.empty();
        }
        String namespace = proxy.namespace();
        List<Object> all = MissReport.misses(process.get(ClassRun.reportPath(namespace)), namespace);
        List<Object> misses = all.subList(Math.min(missesBefore, all.size()), all.size());
        return misses.isEmpty() ? Optional.empty()
                : Optional.of(MissReport.failure(misses, displayName, proxy.cassetteFolder().resolve(namespace)));
    }
}
