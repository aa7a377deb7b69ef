package dev.modelcache.config;

import static dev.modelcache.config.ConfigKeys.Scope.BOTH;
import static dev.modelcache.config.ConfigKeys.Scope.LAUNCHER;
import static dev.modelcache.config.ConfigKeys.Scope.WEBAPP;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Every configuration key, once: its name, its default, where it applies, whether it is a secret, and a one-line
 * summary (Markdown, as the README's settings table shows it). The config classes read only through these
 * constants ({@link ConfigReader}, {@link Settings#get(ConfigKeys)}), and {@link Settings} refuses to look up a name
 * that is not here, so a key cannot be read without being registered. The files that name settings are generated
 * from this list ({@code web.xml}'s env-entries, the README's table) or checked against it (the context files, the
 * Ansible role): see {@code SettingsFilesTest}.
 *
 * <p>The provider table's keys are a pattern, {@code providers/<name>/<field>}: a templated entry stands for the
 * field of every provider; {@link #of(String)} names it for one provider.
 *
 * <p>A default is the value the code uses when the key is unset (null: none, or computed, as {@code cache/dir});
 * {@link #defaultText()} is how the README shows it.
 */
public enum ConfigKeys {
    PORT("port", LAUNCHER, false, "" + ServerConfig.DEFAULT_PORT, null,
            "the launcher's HTTP port (system property or environment; in a container the container decides)"),
    HOST("host", LAUNCHER, false, "127.0.0.1", null,
            "the address the launcher listens on; `0.0.0.0` opens it to every interface (launcher only, like "
            + "`port`)"),
    SERVER_MAX_THREADS("server/maxThreads", LAUNCHER, false, "400", null,
            "the launcher's request threads: a plain answer holds one while it is served, a live stream none, and no "
            + "request holds one while its provider thinks (launcher only; containers: see "
            + "[docs/DEPLOYMENT.md](docs/DEPLOYMENT.md#many-clients-long-streams-the-limits))"),
    SERVER_MAX_CONNECTIONS("server/maxConnections", LAUNCHER, false, "10000", null,
            "the launcher's open connections, idle and uploading ones included (launcher only)"),
    CACHE_DIR("cache/dir", BOTH, false, null, "`~/.cache/modelcache`",
            "folder of the persistent cache (the record files, Ehcache's files, the key salt, spill files)"),
    CACHE_RECORD_MB("cache/recordMB", WEBAPP, false, "" + CacheConfig.DEFAULT_RECORD_MB, null,
            "size bound of the record files (`<cache dir>/records`, one per answer), the copy that survives a "
            + "crash; past it the oldest entries are deleted"),
    CACHE_HEAP_MB("cache/heapMB", WEBAPP, false, "" + CacheConfig.DEFAULT_HEAP_MB, null,
            "size of Ehcache's heap tier, in bytes of stored answers (at most half of `cache/diskMB` unless set; "
            + "set, it must be below `cache/diskMB`). Answers over 1 MiB never enter Ehcache: every hit streams "
            + "them from their record file. `0` bounds the heap by `cache/heapEntries` instead"),
    CACHE_HEAP_ENTRIES("cache/heapEntries", WEBAPP, false, "" + CacheConfig.DEFAULT_HEAP_ENTRIES, null,
            "entries on the heap tier, used only when `cache/heapMB` is `0`"),
    CACHE_DISK_MB("cache/diskMB", WEBAPP, false, "" + CacheConfig.DEFAULT_DISK_MB, null,
            "size of Ehcache's disk tier, a fast copy of answers up to 1 MiB. Ehcache splits it into 16 segments "
            + "and an entry must fit in one, so it holds fewer entries than its size suggests; nothing is lost when"
            + " it evicts (the record still has the entry, and the next request reads it from there)"),
    CACHE_TTL("cache/ttl", WEBAPP, false, "" + CacheConfig.DEFAULT_TTL_SECONDS, null,
            "seconds an entry lives, counted from when it was stored (also across restarts); `0` keeps entries "
            + "until `cache/recordMB` is reached"),
    CACHE_MAX_ENTRY_MB("cache/maxEntryMB", WEBAPP, false, "" + CacheConfig.DEFAULT_MAX_ENTRY_MB, null,
            "larger answers are relayed but not stored"),
    CACHE_KEY_SALT("cache/keySalt", WEBAPP, true, null, "per installation",
            "secret mixed into the hash of each caller's credential (16 or more characters; 32+ hex digits are "
            + "read as bytes, so the content of a `<cache dir>/key-salt` file keeps that installation's entries). "
            + "Instances given the same salt compute the same keys. A secret: set it in the environment"),
    CACHE_CLUSTER_URI("cache/clusterUri", WEBAPP, false, null, "none",
            "a Terracotta cluster whose clustered tier this instance shares with the others pointed at it, e.g. "
            + "`terracotta://host:9410/modelcache` (a stripe: `terracotta://host1:9410,host2:9410/modelcache`; the "
            + "path names the cache). An answer stored by one instance is then a hit on all of them. Requires "
            + "`cache/keySalt`, the same on every instance. The local tiers become a heap near cache; each instance "
            + "keeps its own record. Unset: no cluster"),
    CACHE_CLUSTER_MB("cache/clusterMB", WEBAPP, false, "" + CacheConfig.DEFAULT_CLUSTER_MB, null,
            "size of the clustered tier, taken from the server's offheap resource `main`; the same on every "
            + "instance (used only with `cache/clusterUri`)"),
    DEFAULT_PROVIDER("defaultProvider", WEBAPP, false, ProvidersConfig.DEFAULT_PROVIDER, null,
            "provider for requests without a model (`GET /v1/models`)"),
    PROVIDER_TYPE("providers/<name>/type", BOTH, false, "openai", null,
            "the provider's API: `openai` (OpenAI and the OpenAI-compatible hosts), `anthropic` (Anthropic's "
            + "Messages API), `gemini` (Google's Gemini API, native and OpenAI-compatible), `ollama` (Ollama's "
            + "native API, see [Ollama](#ollama)) or `azure` (Azure OpenAI, see [Azure OpenAI](#azure-openai)). "
            + "Another value stops the start, naming the key and the known types"),
    PROVIDER_BASE_URL("providers/<name>/baseUrl", BOTH, false, null, "— (required)",
            "scheme, host and optional path prefix. The prefix rule: the request's path follows the base URL's "
            + "path, `https://h/openai` and `/v1/chat/completions` give `https://h/openai/v1/chat/completions` (a "
            + "trailing `/` on the base makes no difference; the query is the request's). No `user:password@`: the "
            + "key goes in `apiKey`"),
    PROVIDER_MODELS("providers/<name>/models", BOTH, false, "", null,
            "comma-separated globs of the models it serves, e.g. `gpt-*,o1*,o3*`. Two providers whose globs could"
            + " both match one model name stop the start with a message naming both"),
    PROVIDER_API_KEY("providers/<name>/apiKey", BOTH, true, null, null,
            "key sent upstream when the caller sends none (for a shared instance): as `Authorization: Bearer` for"
            + " `openai` and `ollama`, as `x-api-key` for `anthropic`, as `x-goog-api-key` for `gemini`, as `api-"
            + "key` for `azure`"),
    UPSTREAM_CONNECT_TIMEOUT("upstream/connectTimeout", WEBAPP, false, "" + UpstreamConfig.DEFAULT_CONNECT_TIMEOUT_SECONDS, null,
            "seconds to connect to a provider (then `504`)"),
    UPSTREAM_RESPONSE_TIMEOUT("upstream/responseTimeout", WEBAPP, false, "" + UpstreamConfig.DEFAULT_RESPONSE_TIMEOUT_SECONDS, null,
            "seconds to wait for the next bytes of an answer (then `504`)"),
    UPSTREAM_MAX_CONNECTIONS("upstream/maxConnections", WEBAPP, false, "" + UpstreamConfig.DEFAULT_MAX_CONNECTIONS, null,
            "connections open to providers at once (per provider and in all); a live stream holds one for its "
            + "whole life"),
    UPSTREAM_DENY_ADDRESSES("upstream/denyAddresses", WEBAPP, false, AddressRanges.DEFAULT, null,
            "addresses never connected to, checked after DNS on every connection (`502 upstream_address_denied`):"
            + " CIDR ranges or addresses, `metadata` (169.254.0.0/16, fe80::/10, fd00:ec2::254), `private` "
            + "(loopback, 10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7), exceptions as `!range`, or `none`"),
    MAX_BODY_BYTES("maxBodyBytes", WEBAPP, false, "" + ServerConfig.DEFAULT_MAX_BODY_BYTES, null,
            "largest request body accepted (then `413`)"),
    CACHE_MODE("cache/mode", WEBAPP, false, "readthrough", null,
            "`readthrough`, `record`, `replay` or `passthrough` (see [Modes](#modes))"),
    CACHE_POLICY("cache/policy", WEBAPP, false, "all", null,
            "`all`, or `deterministic`: only requests with `temperature` 0 or a `seed` are cached, the others "
            + "pass through (`BYPASS`)"),
    CACHE_SHARED("cache/shared", WEBAPP, false, "false", null,
            "`true` puts every caller in one partition, whatever key it sends (or none): a cassette recorded with"
            + " one key replays with another. Not for a team's instance, where each key must keep its own entries"),
    CACHE_IGNORE_FIELDS("cache/ignoreFields", WEBAPP, false, "/user,/metadata", null,
            "JSON pointers, comma-separated, of request body fields left out of the key"),
    CACHE_CASSETTES("cache/cassettes", WEBAPP, false, null, null,
            "cassette folders, comma-separated, served read-only from the start (a relative folder is taken from "
            + "the process's working folder)"),
    CACHE_CASSETTE_DROP_HEADERS("cache/cassetteDropHeaders", WEBAPP, false, null, null,
            "answer header fields, comma-separated, that an export leaves out of cassettes besides the built-in "
            + "list of those that change at every call (`date`, `x-request-id`, `request-id`, `apim-request-id`, "
            + "`openai-processing-ms`, `cf-ray`, `x-envoy-upstream-service-time`, `x-ratelimit-*`, "
            + "`anthropic-ratelimit-*`, `retry-after`); a trailing `*` matches every name that starts so"),
    CACHE_REDACT("cache/redact", WEBAPP, false, null, null,
            "what is replaced by `REDACTED` before an entry is stored (record files, cassettes): JSON pointers "
            + "(starting with `/`) into the request and answer bodies, and header names. The request keeps a "
            + "placeholder with a short hash of the value, so the same request still hits; the replaying proxy "
            + "needs the same list (see [Record once, replay in CI](#record-once-replay-in-ci))"),
    CACHE_SEQUENCES("cache/sequences", WEBAPP, false, "false", null,
            "`true`: within a namespace the Nth identical request gets the Nth recorded answer (see "
            + "[Sequences](#sequences-agent-loops))"),
    CACHE_SEQUENCE_END("cache/sequenceEnd", WEBAPP, false, "repeat", null,
            "when a sequence's recorded answers run out: `repeat` the last one, or `fail` with `504 cache_miss`"),
    ADMIN_TOKEN("admin/token", BOTH, true, null, null,
            "if set, every admin endpoint but `/_cache/health` needs `Authorization: Bearer <token>` (or "
            + "`X-Cache-Admin-Token: <token>`)"),
    LOG_ACCESS("log/access", WEBAPP, false, "true", null,
            "one INFO line per proxied exchange on the logger `dev.modelcache.access` (see [Metrics and access "
            + "log](#metrics-and-access-log)); `false` turns it off"),
    LOG_BODIES("log/bodies", WEBAPP, false, "false", null,
            "`true` ends each access log line with the request's body (never the answer's); prompts then land in "
            + "the logs, so for debugging only"),
    LOG_BODY_MAX_CHARS("log/bodyMaxChars", WEBAPP, false, "" + LogConfig.DEFAULT_BODY_MAX_CHARS, null,
            "characters of a request body kept on its access log line when `log/bodies` is on (1 to 1000000); the"
            + " rest is counted as `…(+N chars)`"),
    SHUTDOWN_DRAIN_SECONDS("shutdownDrainSeconds", BOTH, false, "" + ServerConfig.DEFAULT_SHUTDOWN_DRAIN_SECONDS, null,
            "on a stop, how long answers in flight may take to finish (and be stored) before the cache is closed"),
    AUTH_KEYS("auth/keys", WEBAPP, true, null, null,
            "proxy keys clients must present, as `name:sha256:<64 hex>` entries separated by commas; hashes only "
            + "(see [Proxy keys and server-side keys](#proxy-keys-and-server-side-keys))"),
    LAUNCHER_ENV_KEYS("launcher/envKeys", LAUNCHER, false, "true", null,
            "the launchers only: a provider without `apiKey` takes `OPENAI_API_KEY` / `ANTHROPIC_API_KEY` / "
            + "`GEMINI_API_KEY` (then loopback only); `false` turns it off"),
    LAUNCHER_EXIT_WITH_STDIN("launcher/exitWithStdin", LAUNCHER, false, "false", null,
            "the launchers only: `true` stops the proxy (as Ctrl-C does) when its standard input ends, so that a "
            + "parent holding the pipe (the JUnit 5 extension) takes it along when it ends, even by `kill -9`"),
    PRICES_FILE("prices/file", WEBAPP, false, null, null,
            "a JSON price file over the shipped table (see [Costs and budgets](#costs-and-budgets))"),
    BUDGET_DAILY_USD("budget/dailyUsd", WEBAPP, false, null, null,
            "cap on US dollars spent on providers per UTC day, all callers together"),
    BUDGET_DAILY_TOKENS("budget/dailyTokens", WEBAPP, false, null, null,
            "cap on tokens (input and output) spent on providers per UTC day, all callers together"),
    BUDGET_PER_KEY_DAILY_USD("budget/perKeyDailyUsd", WEBAPP, false, null, null,
            "the same cap in US dollars, per caller"),
    BUDGET_PER_KEY_DAILY_TOKENS("budget/perKeyDailyTokens", WEBAPP, false, null, null,
            "the same cap in tokens, per caller"),
    BUDGET_ON_EXCEEDED("budget/onExceeded", WEBAPP, false, "reject", null,
            "past a cap, a miss gets `429 budget_exceeded` (`reject`) or `504 cache_miss` as in replay mode "
            + "(`replay`); hits are still served"),
    CONFIG_ALLOW_UNKNOWN("config/allowUnknown", BOTH, false, null, null,
            "names in the configuration's namespace that are not settings and must not stop the start (a "
            + "`MODELCACHE_*` variable, `modelcache.*` property or `modelcache/` JNDI name another tool needs), "
            + "comma-separated as spelled, a trailing `*` matching any ending; `true` lets every name pass. Without"
            + " it an unknown name stops the start, naming the nearest setting");

    /** The placeholder of a templated entry's provider name. */
    public static final String NAME = "<name>";
    /** The provider rows the shipped configuration files declare ({@code web.xml}, the context files). */
    public static final List<String> DECLARED_PROVIDERS = List.of("openai", "anthropic", "gemini");

    /** Where a key applies: read by the application (in any container), by the local launchers only, or by both. */
    public enum Scope {
        WEBAPP, LAUNCHER, BOTH
    }

    private final String key;
    private final Scope scope;
    private final boolean secret;
    private final String defaultValue;
    private final String defaultText;
    private final String summary;

    ConfigKeys(String key, Scope scope, boolean secret, String defaultValue, String defaultText, String summary) {
        this.key = key;
        this.scope = scope;
        this.secret = secret;
        this.defaultValue = defaultValue;
        this.defaultText = defaultText;
        this.summary = summary;
    }

    /** True for an entry of the provider table, {@code providers/<name>/<field>}. */
    public boolean templated() {
        return key.contains(NAME);
    }

    /** This templated entry's key for the provider {@code name}. */
    public String of(String name) {
        if (!templated()) {
            throw new IllegalStateException(key + " is not a provider key");
        }
        return key.replace(NAME, name);
    }

    /** A templated entry's field, such as {@code baseUrl}. */
    public String field() {
        return key.substring(key.lastIndexOf('/') + 1);
    }

    /** The key, such as {@code cache/dir}; a templated one holds {@link #NAME}. */
    public String key() {
        return key;
    }

    public Scope scope() {
        return scope;
    }

    /** True when the application reads it (in a container as under a launcher). */
    public boolean appliesToWebapp() {
        return scope != LAUNCHER;
    }

    /** A credential or salt: never logged, never given an example value in a shipped file. */
    public boolean secret() {
        return secret;
    }

    /** The value used when the key is unset; null when there is none, or when it is computed. */
    public String defaultValue() {
        return defaultValue;
    }

    /** The default as the README shows it (Markdown). */
    public String defaultText() {
        if (defaultText != null) {
            return defaultText;
        }
        return defaultValue == null ? "none" : defaultValue.isEmpty() ? "empty" : "`" + defaultValue + "`";
    }

    /** One line, in Markdown. */
    public String summary() {
        return summary;
    }

    /** The fields of one provider's block: {@code type}, {@code baseUrl}, {@code models}, {@code apiKey}. */
    public static Set<String> providerFields() {
        return Arrays.stream(values()).filter(ConfigKeys::templated).map(ConfigKeys::field)
                .collect(Collectors.toUnmodifiableSet());
    }

    /** The entry a concrete key such as {@code cache/dir} or {@code providers/groq/apiKey} belongs to, if any. */
    public static Optional<ConfigKeys> find(String concreteKey) {
        for (ConfigKeys entry : values()) {
            if (entry.templated() ? matches(entry, concreteKey) : entry.key.equals(concreteKey)) {
                return Optional.of(entry);
            }
        }
        return Optional.empty();
    }

    private static boolean matches(ConfigKeys entry, String concreteKey) {
        String prefix = entry.key.substring(0, entry.key.indexOf(NAME));
        String suffix = entry.key.substring(entry.key.indexOf(NAME) + NAME.length());
        return concreteKey.startsWith(prefix) && concreteKey.endsWith(suffix)
                && concreteKey.length() > prefix.length() + suffix.length()
                && concreteKey.substring(prefix.length(), concreteKey.length() - suffix.length()).indexOf('/') < 0;
    }
}
