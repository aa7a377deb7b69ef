package dev.modelcache.config;

/**
 * The configuration the commands of {@code java -jar modelcache.war} (export, import) need: the cache's keys, the
 * replay keys (key recipe: {@code cache/ignoreFields}, {@code cache/shared}) and the server's (an import refuses a
 * record larger than the proxy's {@code maxBodyBytes} and {@code cache/maxEntryMB} can make), validated as
 * {@link Config} validates them, without the provider table, which a command does not use.
 */
public record CommandConfig(CacheConfig cache, ReplayConfig replay, ServerConfig server) {
    public static CommandConfig from(Settings settings) {
        ConfigReader r = new ConfigReader(settings);
        return new CommandConfig(CacheConfig.read(r), ReplayConfig.read(r), ServerConfig.read(r));
    }
}
