package dev.modelcache.billing;

import dev.modelcache.events.ExchangeSummary;
import java.math.BigDecimal;
import java.util.Optional;

/**
 * Prices each exchange once, when the pipeline builds its summary: the summary then carries its dollars and whether
 * its model had a price, and every listener (the {@link CostLedger}, the stats, the metrics) counts those instead of
 * asking the {@link PriceTable} again. Three listeners pricing on their own had three answers for a model without a
 * price (unpriced, nothing, 0). An exchange that counts for nothing ({@link ExchangeSummary.Spending#NONE}) costs 0.
 * The budget's {@link CallEstimate} is another thing: it prices a call before it is made.
 */
public final class ExchangePricing {
    private final PriceTable prices;

    public ExchangePricing(PriceTable prices) {
        this.prices = prices;
    }

    /** {@code exchange} with its price: one look-up of its model, its tokens' cost when it spent or saved them. */
    public ExchangeSummary price(ExchangeSummary exchange) {
        Optional<Price> price = prices.lookup(exchange.model());
        BigDecimal usd = price.isEmpty() || exchange.spending() == ExchangeSummary.Spending.NONE ? BigDecimal.ZERO
                : price.get().cost(Tokens.of(exchange.usage()));
        return exchange.withPrice(usd, price.isPresent());
    }

    /** The date the prices were checked, as the table gives it (shown with the ledger). */
    public String checked() {
        return prices.checked();
    }
}
