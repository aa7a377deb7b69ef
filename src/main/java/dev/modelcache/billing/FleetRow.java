package dev.modelcache.billing;

/**
 * One of {@link FleetBudget}'s rows in the cluster, or a change to one: dollars in units of 10^-{@link FleetBudget#SCALE}
 * USD, and tokens, spent and held; spelled as four numbers.
 */
record FleetRow(long spentUnits, long spentTokens, long heldUnits, long heldTokens) {
    static final FleetRow ZERO = new FleetRow(0, 0, 0, 0);

    /** The row {@code text} spells; null or unreadable reads as none. */
    static FleetRow parse(String text) {
        if (text == null) {
            return ZERO;
        }
        String[] parts = text.split(" ");
        try {
            return new FleetRow(Long.parseLong(parts[0]), Long.parseLong(parts[1]), Long.parseLong(parts[2]),
                    Long.parseLong(parts[3]));
        } catch (RuntimeException e) {
            return ZERO;
        }
    }

    String text() {
        return spentUnits + " " + spentTokens + " " + heldUnits + " " + heldTokens;
    }

    /** Both changes at once (for changes kept for later). */
    FleetRow plus(FleetRow change) {
        return new FleetRow(spentUnits + change.spentUnits, spentTokens + change.spentTokens,
                heldUnits + change.heldUnits, heldTokens + change.heldTokens);
    }

    /** This row with {@code change} applied, never below 0 (a row lost in a stripe's restart held nothing). */
    FleetRow applied(FleetRow change) {
        return new FleetRow(Math.max(0, spentUnits + change.spentUnits), Math.max(0, spentTokens + change.spentTokens),
                Math.max(0, heldUnits + change.heldUnits), Math.max(0, heldTokens + change.heldTokens));
    }

    BudgetBook.Standing standing() {
        return new BudgetBook.Standing(new Spend(FleetBudget.usd(spentUnits), spentTokens), new Spend(FleetBudget.usd(heldUnits), heldTokens));
    }

    static FleetRow spent(Spend spend) {
        return new FleetRow(FleetBudget.units(spend.usd()), spend.tokens(), 0, 0);
    }

    static FleetRow held(Spend spend) {
        return new FleetRow(0, 0, FleetBudget.units(spend.usd()), spend.tokens());
    }

    FleetRow negated() {
        return new FleetRow(-spentUnits, -spentTokens, -heldUnits, -heldTokens);
    }
}
