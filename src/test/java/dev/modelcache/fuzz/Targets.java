package dev.modelcache.fuzz;

import dev.modelcache.cache.CacheKeyFactory;
import dev.modelcache.cache.ProviderFacts;
import dev.modelcache.http.Exchange;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/** Request paths and queries for the fuzzers: the pieces that normalisers get wrong, in any combination. */
final class Targets {
    static final CacheKeyFactory KEYS = new CacheKeyFactory(
            "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII));

    /** An OpenAI-like provider: the model from the body, the bearer token as credential, one vary header. */
    static final ProviderFacts OPENAI = new ProviderFacts() {
        @Override
        public String name() {
            return "openai";
        }

        @Override
        public String model(Exchange exchange) {
            return exchange.model();
        }

        @Override
        public boolean isStateful(String path) {
            return path.startsWith("/v1/files");
        }

        @Override
        public String credential(Exchange exchange) {
            return exchange.headers().first("Authorization").orElse("");
        }

        @Override
        public List<String> varyHeaders() {
            return List.of("OpenAI-Organization");
        }
    };

    private Targets() {
    }

    static Arbitrary<String> segments() {
        return Arbitraries.oneOf(
                Arbitraries.of("v1", "chat", "completions", "models", "gpt-4o:generateContent", "files", "embeddings",
                        ".", "..", "", "%2e", "%2E%2e", ".%2e", "%2F", "%2f", "%66iles", "%", "%4", "%zz", "%%",
                        ";a=b", "a;b", "\u00e9", "%C3%A9", "%c3%a9", "~", "@", ":", "a b", "%00", "%25", "%252e",
                        "%7E", "%7e", "-._~", "!$&'()*+,=", "?", "#", "\\", "%5C", "\u0000", "\ud800", "\ud83d\ude00"),
                Arbitraries.strings().withCharRange('!', '~').ofMaxLength(6),
                Arbitraries.strings().all().ofMaxLength(4));
    }

    /** Request paths: mostly starting with '/', made of hostile segments joined by one or two slashes. */
    static Arbitrary<String> paths() {
        Arbitrary<String> joined = Combinators.combine(segments().list().ofMaxSize(8),
                        Arbitraries.of("/", "/", "/", "//"), Arbitraries.of("/", "/", "/", "", "//"))
                .as((parts, separator, lead) -> lead + String.join(separator, parts));
        return Arbitraries.oneOf(joined, Corpus.textArbitrary("paths"));
    }

    static Arbitrary<String> parameterNames() {
        return Arbitraries.oneOf(Arbitraries.of("key", "k%65y", "%6Bey", "%6bey", "KEY", "Key", "api_key",
                        "api%5Fkey", "api%5fkey", "x-goog-api-key", "access_token", "alt", "model", "k%65%79",
                        "%4B%45%59", "signature", "sig", "a", "", "%", "k%6"),
                Arbitraries.strings().withCharRange('!', '~').ofMaxLength(5));
    }

    static Arbitrary<String> queries() {
        Arbitrary<String> parameter = Combinators.combine(parameterNames(),
                        Arbitraries.strings().alpha().numeric().ofMinLength(0).ofMaxLength(8),
                        Arbitraries.of("=", "=", "", "=="))
                .as((name, value, equals) -> name + equals + value);
        Arbitrary<String> joined = parameter.list().ofMaxSize(5).map(list -> String.join("&", list));
        return Arbitraries.oneOf(joined, Corpus.textArbitrary("queries"), Arbitraries.strings().all().ofMaxLength(8));
    }

    /** Characters that {@link dev.modelcache.http.RequestTarget} may decode: RFC 3986 unreserved. */
    static boolean unreserved(char c) {
        return c < 128 && (Character.isLetterOrDigit(c) || "-._~".indexOf(c) >= 0);
    }
}
