package dev.modelcache.billing;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelcache.config.ConfigException;
import dev.modelcache.config.ConfigKeys;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The prices of model families: the table shipped with the proxy ({@value #RESOURCE}), extended or replaced by the
 * file named by {@code prices/file}. Both are JSON: {@code checked} (the date the prices were checked),
 * {@code prices} (an object from model pattern to {@code input}, {@code output}, and optionally {@code cacheRead}
 * and {@code cacheWrite}, in US dollars per million tokens), and in the configured file optionally
 * {@code "replace": true} to drop the shipped table instead of extending it. An entry of the file replaces the
 * shipped entry with the same pattern. A model takes the most specific matching price; a model no pattern matches has
 * no price (it costs 0 and is reported as unpriced).
 * <p>
 * Every exchange is priced, so a model's answer is remembered after its first look-up: a scan of the table, glob by
 * glob, under every request. The names remembered are bounded ({@value #REMEMBERED} names of at most
 * {@value #REMEMBERED_LENGTH} characters), since model names come from clients; a name past that bound is looked up
 * by the scan, with the same answer.
 */
public final class PriceTable {
    /** The shipped table, on the class path. */
    public static final String RESOURCE = "/dev/modelcache/billing/prices.json";
    /** The configuration key that names a file of prices. */
    public static final String FILE_KEY = ConfigKeys.PRICES_FILE.key();
    private static final Set<String> ENTRY_FIELDS = Set.of("input", "output", "cacheRead", "cacheWrite");
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    /** Model names whose price is remembered, at most. */
    static final int REMEMBERED = 1024;
    /** The longest model name remembered. */
    static final int REMEMBERED_LENGTH = 256;

    private final List<Price> prices;
    private final String checked;
    /** The answer for each model name looked up so far (within the bounds above). */
    private final ConcurrentHashMap<String, Optional<Price>> remembered = new ConcurrentHashMap<>();
    /** Scans of the table, for tests that show a remembered name is not scanned for again. */
    private final LongAdder scans = new LongAdder();

    private PriceTable(List<Price> prices, String checked) {
        this.prices = prices.stream().sorted(Comparator.comparingInt(Price::specificity).reversed()).toList();
        this.checked = checked;
    }

    /** The shipped table alone. */
    public static PriceTable builtIn() {
        try (InputStream in = PriceTable.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the price table " + RESOURCE + " is missing from the class path");
            }
            Parsed parsed = parse(JSON.readTree(in));
            return new PriceTable(List.copyOf(parsed.prices().values()), parsed.checked());
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalStateException("the price table " + RESOURCE + " cannot be read: " + e.getMessage(), e);
        }
    }

    /** The shipped table, with the prices of {@code file} over it; null for none. Fails naming {@code prices/file}. */
    public static PriceTable load(Path file) {
        PriceTable shipped = builtIn();
        if (file == null) {
            return shipped;
        }
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new ConfigException(FILE_KEY, "there is no readable price file at " + file);
        }
        Parsed parsed;
        try {
            parsed = parse(JSON.readTree(Files.readAllBytes(file)));
        } catch (IOException | IllegalArgumentException e) {
            throw new ConfigException(FILE_KEY, "the price file " + file + " cannot be used: " + e.getMessage());
        }
        Map<String, Price> merged = new LinkedHashMap<>();
        if (!parsed.replace()) {
            shipped.prices.forEach(price -> merged.put(price.pattern(), price));
        }
        merged.putAll(parsed.prices());
        return new PriceTable(List.copyOf(merged.values()), parsed.checked() != null ? parsed.checked() : shipped.checked);
    }

    /**
     * The price of {@code model}: the most specific pattern that matches it, else, for a name with a vendor prefix
     * ({@code openai/gpt-4o}, {@code models/gemini-2.5-flash}), the price of the name after the last {@code /}.
     */
    public Optional<Price> lookup(String model) {
        if (model == null || model.isBlank()) {
            return Optional.empty();
        }
        Optional<Price> known = remembered.get(model);
        if (known != null) {
            return known;
        }
        Optional<Price> found = scan(model);
        if (model.length() <= REMEMBERED_LENGTH && remembered.size() < REMEMBERED) {
            remembered.putIfAbsent(model, found); // threads racing past the size check add a few more at most
        }
        return found;
    }

    /** The table read pattern by pattern, most specific first, then the name after a vendor prefix the same way. */
    Optional<Price> scan(String model) {
        scans.increment();
        String name = model;
        while (true) {
            for (Price price : prices) {
                if (price.matches(name)) {
                    return Optional.of(price);
                }
            }
            int slash = name.lastIndexOf('/');
            if (slash < 0 || name.substring(slash + 1).isBlank()) {
                return Optional.empty();
            }
            name = name.substring(slash + 1);
        }
    }

    long scans() {
        return scans.sum();
    }

    int remembered() {
        return remembered.size();
    }

    /** What {@code tokens} of {@code model} cost in US dollars; 0 for a model without a price. */
    public BigDecimal cost(String model, Tokens tokens) {
        return lookup(model).map(price -> price.cost(tokens)).orElse(BigDecimal.ZERO);
    }

    /** The date the prices were checked, as the table gives it. */
    public String checked() {
        return checked;
    }

    public List<Price> prices() {
        return prices;
    }

    private record Parsed(Map<String, Price> prices, String checked, boolean replace) {
    }

    private static Parsed parse(JsonNode root) {
        if (!root.isObject() || !root.path("prices").isObject()) {
            throw new IllegalArgumentException("it must be a JSON object with a \"prices\" object");
        }
        JsonNode checked = root.path("checked");
        if (!checked.isMissingNode() && !checked.isTextual()) {
            throw new IllegalArgumentException("\"checked\" must be a date as text");
        }
        Map<String, Price> prices = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> entries = root.path("prices").fields();
        while (entries.hasNext()) {
            Map.Entry<String, JsonNode> entry = entries.next();
            prices.put(entry.getKey(), price(entry.getKey(), entry.getValue()));
        }
        return new Parsed(prices, checked.isTextual() ? checked.asText() : null, root.path("replace").asBoolean(false));
    }

    private static Price price(String pattern, JsonNode entry) {
        if (!entry.isObject()) {
            throw new IllegalArgumentException("the price of " + pattern + " must be an object");
        }
        List<String> unknown = new ArrayList<>();
        entry.fieldNames().forEachRemaining(name -> {
            if (!ENTRY_FIELDS.contains(name)) {
                unknown.add(name);
            }
        });
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("the price of " + pattern + " has unknown fields " + unknown
                    + " (known: input, output, cacheRead, cacheWrite)");
        }
        BigDecimal input = amount(pattern, entry, "input", null);
        BigDecimal output = amount(pattern, entry, "output", null);
        return new Price(pattern, input, output, amount(pattern, entry, "cacheRead", input),
                amount(pattern, entry, "cacheWrite", input));
    }

    private static BigDecimal amount(String pattern, JsonNode entry, String field, BigDecimal fallback) {
        JsonNode value = entry.path(field);
        if (value.isMissingNode() && fallback != null) {
            return fallback;
        }
        if (!value.isNumber() || value.decimalValue().signum() < 0) {
            throw new IllegalArgumentException("the price of " + pattern + " needs \"" + field
                    + "\" as a number of 0 or more (US dollars per million tokens)");
        }
        return value.decimalValue();
    }
}
