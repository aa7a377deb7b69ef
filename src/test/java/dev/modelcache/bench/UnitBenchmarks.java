package dev.modelcache.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelcache.cache.CacheKey;
import dev.modelcache.cache.CacheKeyFactory;
import dev.modelcache.cache.RequestRecord;
import dev.modelcache.config.Config;
import dev.modelcache.config.Settings;
import dev.modelcache.http.Exchange;
import dev.modelcache.http.Headers;
import dev.modelcache.provider.ModelProvider;
import dev.modelcache.provider.ProviderTable;
import dev.modelcache.tokens.TokenCounter;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * The unit costs of a request (issue 19, item 1, part {@code units}): the cache key and the prompt's token count, for
 * a 2 KB and a 200 KB chat-completion body, through the entry points the pipeline calls.
 * <ul>
 *   <li>{@code parse}: {@link Exchange#json()} of a fresh exchange, the one parse a request gets (key, routing and
 *       token count share it);</li>
 *   <li>{@code key}: what {@code StoredAnswers.plan} does after routing: {@link RequestRecord#of} then
 *       {@link CacheKeyFactory#create(RequestRecord)}, the body already parsed (canonical JSON, SHA-256);</li>
 *   <li>{@code keyFromBytes}: the same with the parse, as a request pays it;</li>
 *   <li>{@code promptTokens}: {@link TokenCounter#countPrompt}, as {@code CallEstimate} (a budget) and the usage
 *       fallback (an answer without {@code usage}) call it, on the parsed body.</li>
 * </ul>
 * {@link #main} runs them with JMH (one fork, 3 warm-up and 5 measured iterations of 1 s: a short run, stated in the
 * result) and writes {@code $BENCH_OUT/units.json}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class UnitBenchmarks {
    private static final byte[] SALT = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final String CHAT = "/v1/chat/completions";

    @Param({"2048", "204800"})
    public int bodyBytes;

    private byte[] body;
    private Headers headers;
    private ModelProvider provider;
    private CacheKeyFactory keys;
    private TokenCounter tokens;
    private Exchange parsed;
    private JsonNode json;

    @Setup
    public void setUp() {
        body = UnitBodies.request(bodyBytes, 42);
        headers = Headers.of("Content-Type", "application/json", "Authorization", "Bearer sk-proj-benchmarkbenchmark");
        tokens = new TokenCounter();
        ProviderTable table = ProviderTable.create(Config.from(Settings.of(Map.of(
                "providers/openai/baseUrl", "https://api.openai.com",
                "providers/openai/models", "gpt-*"))), tokens);
        provider = table.resolve("gpt-4o-mini");
        keys = new CacheKeyFactory(SALT, List.of("/user", "/metadata"), false);
        parsed = exchange();
        json = parsed.json();
        tokens.countPrompt(null, json); // the encoding loads once per process, not per request
    }

    private Exchange exchange() {
        return new Exchange("POST", CHAT, null, headers, body);
    }

    @Benchmark
    public JsonNode parse() {
        return exchange().json();
    }

    @Benchmark
    public CacheKey key() {
        return keys.create(RequestRecord.of(provider, parsed, keys, ""));
    }

    @Benchmark
    public CacheKey keyFromBytes() {
        Exchange exchange = exchange();
        return keys.create(RequestRecord.of(provider, exchange, keys, ""));
    }

    @Benchmark
    public long promptTokens() {
        return tokens.countPrompt(null, json).tokens();
    }

    public static void main(String[] args) throws Exception {
        Options options = new OptionsBuilder().include(UnitBenchmarks.class.getName() + "\\.").build();
        Collection<RunResult> results = new Runner(options).run();
        UnitReport report = new UnitReport("units", "Unit costs: cache key and token count (JMH)");
        for (RunResult result : results) {
            String method = result.getParams().getBenchmark();
            method = method.substring(method.lastIndexOf('.') + 1);
            int bytes = Integer.parseInt(result.getParams().getParam("bodyBytes"));
            double score = result.getPrimaryResult().getScore();
            double error = result.getPrimaryResult().getScoreError();
            report.row(method + " " + (bytes / 1024) + " KB body", score, "us/op",
                    String.format("+-%.3f us (99.9%%), %s", error, describe(method)));
        }
        report.environment().put("jmh", "1 fork, 3 x 1 s warm-up, 5 x 1 s measured, average time; a short run");
        report.environment().put("bodies", "chat completions of " + UnitBodies.request(2048, 42).length + " and "
                + UnitBodies.request(204800, 42).length + " bytes (UnitBodies)");
        report.write();
    }

    private static String describe(String method) {
        return switch (method) {
            case "parse" -> "Exchange.json(): the one parse of the body";
            case "key" -> "RequestRecord.of + CacheKeyFactory.create on the parsed body";
            case "keyFromBytes" -> "parse + RequestRecord.of + CacheKeyFactory.create";
            case "promptTokens" -> "TokenCounter.countPrompt (o200k_base) on the parsed body";
            default -> method;
        };
    }
}
