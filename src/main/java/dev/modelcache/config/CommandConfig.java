package dev.modelcache.config;

/**
 * The configuration the commands of {@code java -jar modelcache.war} (export, import) need: the cache's keys and
 * the replay keys (key recipe: {@code cache/ignoreFields}, {@code cache/shared}), validated as {@link Config}
 * validates them, without the provider table and server keys, which a command does not use.
 */
public record CommandConfig(CacheConfig cache, ReplayConfig replay) {
    public static CommandConfig from(Settings settings) {
        ConfigReader r = new ConfigReader(settings);
        return new CommandConfig(CacheConfig.read(r), ReplayConfig.read(r));
    }
}
