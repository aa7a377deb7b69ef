package dev.modelcache.billing;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.LocalDate;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The ledger as {@code /_cache/stats} shows it under {@code "costs"}: each figure a pair {@code spent} and
 * {@code saved} (exchanges, tokens by kind and in all, US dollars). {@code total} covers every day kept,
 * {@code today} the current UTC day ({@code day}); {@code byProvider}, {@code byModel} and {@code byCaller} split the
 * total, {@code days} gives each day's; {@code unpriced} lists the models that had no price when their exchanges were
 * counted (at 0 USD), and {@code pricesChecked} the date of the price table.
 */
final class LedgerReport {
    private LedgerReport() {
    }

    static ObjectNode of(SortedMap<LocalDate, Map<CostLedger.Line, CostLedger.Account>> days, LocalDate today,
                         String pricesChecked) {
        ObjectNode report = JsonNodeFactory.instance.objectNode();
        report.put("pricesChecked", pricesChecked);
        report.put("day", today.toString());
        report.set("today", pair(total(List.of(days.getOrDefault(today, Map.of())))));
        report.set("total", pair(total(days.values())));
        report.set("byProvider", pairs(split(days, CostLedger.Line::provider)));
        report.set("byModel", pairs(split(days, CostLedger.Line::model)));
        report.set("byCaller", pairs(split(days, CostLedger.Line::caller)));
        ObjectNode byDay = report.putObject("days");
        days.forEach((day, lines) -> byDay.set(day.toString(), pair(total(List.of(lines)))));
        TreeSet<String> unpriced = new TreeSet<>();
        days.values().forEach(lines -> lines.forEach((line, account) -> {
            if (account.unpriced > 0) {
                unpriced.add(line.model());
            }
        }));
        unpriced.forEach(report.putArray("unpriced")::add);
        return report;
    }

    private static CostLedger.Account total(Collection<Map<CostLedger.Line, CostLedger.Account>> buckets) {
        CostLedger.Account total = new CostLedger.Account();
        buckets.forEach(lines -> lines.values().forEach(account -> {
            total.spent.add(account.spent);
            total.saved.add(account.saved);
        }));
        return total;
    }

    private static Map<String, CostLedger.Account> split(Map<LocalDate, Map<CostLedger.Line, CostLedger.Account>> days,
                                                         Function<CostLedger.Line, String> by) {
        Map<String, CostLedger.Account> sums = new TreeMap<>();
        days.values().forEach(lines -> lines.forEach((line, account) -> {
            CostLedger.Account sum = sums.computeIfAbsent(by.apply(line), key -> new CostLedger.Account());
            sum.spent.add(account.spent);
            sum.saved.add(account.saved);
        }));
        return sums;
    }

    private static ObjectNode pairs(Map<String, CostLedger.Account> sums) {
        ObjectNode pairs = JsonNodeFactory.instance.objectNode();
        sums.forEach((name, account) -> pairs.set(name, pair(account)));
        return pairs;
    }

    private static ObjectNode pair(CostLedger.Account account) {
        ObjectNode pair = JsonNodeFactory.instance.objectNode();
        pair.set("spent", account.spent.toJson());
        pair.set("saved", account.saved.toJson());
        return pair;
    }
}
