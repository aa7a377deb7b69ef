package dev.modelcache.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The validated, typed configuration. Every key and default is here; {@link #from(Settings)} fails with a
 * {@link ConfigException} naming the first bad key, so a misconfigured proxy never starts half-working.
 */
public record Config(
        int port,
        Path cacheDir,
        int heapEntries,
        long diskMB,
        Duration ttl,
        long maxEntryBytes,
        String defaultProvider,
        List<ProviderConfig> providers,
        Duration connectTimeout,
        Duration responseTimeout,
        int maxBodyBytes,
        String adminToken,
        long heapMB,
        long recordMB,
        String keySalt) {

    public static final int DEFAULT_PORT = 8080;
    public static final int DEFAULT_HEAP_ENTRIES = 1000;
    public static final long DEFAULT_DISK_MB = 1024;
    /** Heap tier in MB; at most half the disk tier when not set explicitly. 0 bounds it by heapEntries instead. */
    public static final long DEFAULT_HEAP_MB = 32;
    /** Size bound of the record files, the system of record behind Ehcache. */
    public static final long DEFAULT_RECORD_MB = 10240;
    /** Shortest accepted cache/keySalt, in characters. */
    public static final int MIN_KEY_SALT_CHARS = 16;
    public static final long DEFAULT_TTL_SECONDS = 0;
    public static final long DEFAULT_MAX_ENTRY_MB = 64;
    public static final String DEFAULT_PROVIDER = "openai";
    public static final long DEFAULT_CONNECT_TIMEOUT_SECONDS = 10;
    public static final long DEFAULT_RESPONSE_TIMEOUT_SECONDS = 300;
    public static final int DEFAULT_MAX_BODY_BYTES = 32 * 1024 * 1024;
    /** The provider types this build knows. */
    public static final Set<String> PROVIDER_TYPES = Set.of("openai");
    /** The keys of one provider's block, {@code providers/<name>/<key>}. */
    public static final Set<String> PROVIDER_KEYS = Set.of("type", "baseUrl", "models", "apiKey");

    public Config {
        providers = List.copyOf(providers);
    }

    public static Config from(Settings settings) {
        Reader r = new Reader(settings);
        int port = (int) r.number("port", DEFAULT_PORT, 0, 65535);
        Path cacheDir = r.path("cache/dir", defaultCacheDir());
        int heapEntries = (int) r.number("cache/heapEntries", DEFAULT_HEAP_ENTRIES, 1, 10_000_000);
        long diskMB = r.number("cache/diskMB", DEFAULT_DISK_MB, 1, 10_000_000);
        Duration ttl = Duration.ofSeconds(r.number("cache/ttl", DEFAULT_TTL_SECONDS, 0, Long.MAX_VALUE / 1000));
        long maxEntryMB = r.number("cache/maxEntryMB", DEFAULT_MAX_ENTRY_MB, 1, 2047);
        if (maxEntryMB > diskMB) {
            throw new ConfigException("cache/maxEntryMB", "is " + maxEntryMB + " but the disk tier (cache/diskMB) holds only " + diskMB);
        }
        boolean heapSet = settings.get("cache/heapMB").isPresent();
        long heapMB = r.number("cache/heapMB", DEFAULT_HEAP_MB, 0, 1_000_000);
        if (heapSet && heapMB >= diskMB) {
            throw new ConfigException("cache/heapMB", "is " + heapMB + " but must be smaller than the disk tier (cache/diskMB = " + diskMB + ")");
        }
        long recordMB = r.number("cache/recordMB", DEFAULT_RECORD_MB, 1, 1_000_000_000);
        if (maxEntryMB > recordMB) {
            throw new ConfigException("cache/maxEntryMB", "is " + maxEntryMB + " but the record (cache/recordMB) holds only " + recordMB);
        }
        String keySalt = settings.get("cache/keySalt").orElse(null);
        if (keySalt != null && keySalt.length() < MIN_KEY_SALT_CHARS) {
            // Never echo the value: it is a secret.
            throw new ConfigException("cache/keySalt", "is " + keySalt.length() + " characters long; at least "
                    + MIN_KEY_SALT_CHARS + " are needed (for example 64 hex digits from openssl rand -hex 32)");
        }
        String defaultProvider = settings.get("defaultProvider").orElse(DEFAULT_PROVIDER);
        List<ProviderConfig> providers = new ArrayList<>();
        for (String name : settings.children("providers", PROVIDER_KEYS)) {
            providers.add(r.provider(name));
        }
        if (providers.stream().noneMatch(p -> p.name().equals(defaultProvider))) {
            throw new ConfigException("defaultProvider", "names provider '" + defaultProvider
                    + "', but the provider table has " + providers.stream().map(ProviderConfig::name).toList()
                    + " (define providers/" + defaultProvider + "/baseUrl)");
        }
        Duration connect = Duration.ofSeconds(r.number("upstream/connectTimeout", DEFAULT_CONNECT_TIMEOUT_SECONDS, 1, 3600));
        Duration response = Duration.ofSeconds(r.number("upstream/responseTimeout", DEFAULT_RESPONSE_TIMEOUT_SECONDS, 1, 86_400));
        int maxBody = (int) r.number("maxBodyBytes", DEFAULT_MAX_BODY_BYTES, 1024, Integer.MAX_VALUE - 8);
        String adminToken = settings.get("admin/token").orElse(null);
        return new Config(port, cacheDir, heapEntries, diskMB, ttl, maxEntryMB * 1024 * 1024, defaultProvider,
                providers, connect, response, maxBody, adminToken, heapMB, recordMB, keySalt);
    }

    /** {@code $XDG_CACHE_HOME/modelcache}, else {@code ~/.cache/modelcache}. */
    public static Path defaultCacheDir() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("modelcache");
    }

    /**
     * The heap tier's bound in KB: {@code heapMB}, but at most half the disk tier unless set explicitly (Ehcache
     * needs the heap smaller than the disk); 0 when the heap is bounded by {@link #heapEntries()} instead.
     */
    public long heapKB() {
        return heapMB == 0 ? 0 : Math.max(1, Math.min(heapMB * 1024, diskMB * 1024 / 2));
    }

    public long recordBytes() {
        return recordMB * 1024 * 1024;
    }

    public ProviderConfig provider(String name) {
        return providers.stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow();
    }

    /** Never prints secrets. */
    @Override
    public String toString() {
        return "Config[port=" + port + ", cacheDir=" + cacheDir + ", heapEntries=" + heapEntries + ", diskMB=" + diskMB
                + ", ttl=" + ttl + ", maxEntryBytes=" + maxEntryBytes + ", defaultProvider=" + defaultProvider
                + ", providers=" + providers + ", connectTimeout=" + connectTimeout + ", responseTimeout=" + responseTimeout
                + ", maxBodyBytes=" + maxBodyBytes + ", adminToken=" + (adminToken == null ? "none" : "set")
                + ", heapMB=" + heapMB + ", recordMB=" + recordMB + ", keySalt=" + (keySalt == null ? "none" : "set") + "]";
    }

    private record Reader(Settings settings) {
        long number(String key, long defaultValue, long min, long max) {
            String raw = settings.get(key).orElse(null);
            if (raw == null) {
                return defaultValue;
            }
            long value;
            try {
                value = Long.parseLong(raw.replace("_", ""));
            } catch (NumberFormatException e) {
                throw new ConfigException(key, "'" + raw + "' is not a whole number");
            }
            if (value < min || value > max) {
                throw new ConfigException(key, value + " is out of range [" + min + ", " + max + "]");
            }
            return value;
        }

        Path path(String key, Path defaultValue) {
            String raw = settings.get(key).orElse(null);
            if (raw == null) {
                return defaultValue;
            }
            try {
                return Path.of(raw.startsWith("~/") ? System.getProperty("user.home") + raw.substring(1) : raw);
            } catch (InvalidPathException e) {
                throw new ConfigException(key, "'" + raw + "' is not a usable path");
            }
        }

        ProviderConfig provider(String name) {
            String prefix = "providers/" + name + "/";
            if (!name.matches("[A-Za-z0-9][A-Za-z0-9_-]*")) {
                throw new ConfigException(prefix + "type", "provider name '" + name + "' may hold only letters, digits, '-' and '_'");
            }
            String type = settings.get(prefix + "type").orElse("openai").toLowerCase(Locale.ROOT);
            if (!PROVIDER_TYPES.contains(type)) {
                throw new ConfigException(prefix + "type", "'" + type + "' is not a known provider type " + PROVIDER_TYPES);
            }
            String rawUrl = settings.get(prefix + "baseUrl")
                    .orElseThrow(() -> new ConfigException(prefix + "baseUrl", "is missing: every provider needs a base URL"));
            URI baseUrl;
            try {
                baseUrl = new URI(rawUrl.endsWith("/") ? rawUrl.substring(0, rawUrl.length() - 1) : rawUrl);
            } catch (URISyntaxException e) {
                throw new ConfigException(prefix + "baseUrl", "'" + rawUrl + "' is not a URL");
            }
            String scheme = baseUrl.getScheme();
            if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
                    || baseUrl.getHost() == null || baseUrl.getRawQuery() != null || baseUrl.getRawFragment() != null) {
                throw new ConfigException(prefix + "baseUrl", "'" + rawUrl + "' must be an http(s) URL with a host and no query");
            }
            List<String> models = Arrays.stream(settings.get(prefix + "models").orElse("").split(","))
                    .map(String::trim).filter(s -> !s.isEmpty()).toList();
            for (String glob : models) {
                if (!glob.matches("[A-Za-z0-9._:/@*?-]+")) {
                    throw new ConfigException(prefix + "models", "'" + glob + "' is not a model glob (letters, digits, . _ : / @ - and the wildcards * ?)");
                }
            }
            String apiKey = settings.get(prefix + "apiKey").orElse(null);
            return new ProviderConfig(name, type, baseUrl, models, apiKey);
        }
    }
}
