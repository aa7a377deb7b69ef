package dev.modelcache.billing;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The ledger on disk, {@code <cache dir>/ledger.json}: {@code {"version":1,"days":{"2026-12-03":[{"provider",
 * "model","caller","spent":{...},"saved":{...},"unpriced":0}]}}}, one bucket per UTC day, written whole through
 * {@link dev.modelcache.files.AtomicFile}, so a crash leaves the old or the new ledger, never half of one.
 * {@code unpriced} counts the line's exchanges whose model had no price; a row written before it was kept has none,
 * and counts as unpriced when it holds tokens and no dollars (what "unpriced" meant to the ledger that wrote it).
 */
final class LedgerFile {
    static final String FILE_NAME = "ledger.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    private LedgerFile() {
    }

    static byte[] encode(SortedMap<LocalDate, Map<CostLedger.Line, CostLedger.Account>> days) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", 1);
        ObjectNode byDay = root.putObject("days");
        days.forEach((day, lines) -> {
            ArrayNode bucket = byDay.putArray(day.toString());
            lines.forEach((line, account) -> {
                ObjectNode row = bucket.addObject();
                row.put("provider", line.provider());
                row.put("model", line.model());
                row.put("caller", line.caller());
                row.set("spent", account.spent.toJson());
                row.set("saved", account.saved.toJson());
                row.put("unpriced", account.unpriced);
            });
        });
        return JSON.writeValueAsBytes(root);
    }

    static SortedMap<LocalDate, Map<CostLedger.Line, CostLedger.Account>> decode(byte[] bytes) throws IOException {
        JsonNode root = JSON.readTree(bytes);
        if (root == null || root.path("version").asInt() != 1 || !root.path("days").isObject()) {
            throw new IOException("not a version 1 ledger");
        }
        SortedMap<LocalDate, Map<CostLedger.Line, CostLedger.Account>> days = new TreeMap<>();
        Iterator<Map.Entry<String, JsonNode>> buckets = root.path("days").fields();
        while (buckets.hasNext()) {
            Map.Entry<String, JsonNode> bucket = buckets.next();
            Map<CostLedger.Line, CostLedger.Account> lines = new HashMap<>();
            for (JsonNode row : bucket.getValue()) {
                CostLedger.Account account = new CostLedger.Account();
                account.spent.add(CostTally.fromJson(row.path("spent")));
                account.saved.add(CostTally.fromJson(row.path("saved")));
                account.unpriced = row.has("unpriced") ? row.path("unpriced").asLong() : unpricedBefore(account);
                lines.put(new CostLedger.Line(row.path("provider").asText(), row.path("model").asText(),
                        row.path("caller").asText()), account);
            }
            days.put(LocalDate.parse(bucket.getKey()), lines);
        }
        return days;
    }

    /** A row of a ledger that did not keep the mark: unpriced when it counted tokens at no cost. */
    private static long unpricedBefore(CostLedger.Account account) {
        boolean tokens = account.spent.tokens().total() + account.saved.tokens().total() > 0;
        boolean free = account.spent.usd().signum() == 0 && account.saved.usd().signum() == 0;
        return tokens && free ? account.spent.count() + account.saved.count() : 0;
    }
}
