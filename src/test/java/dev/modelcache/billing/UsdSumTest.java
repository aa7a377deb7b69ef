package dev.modelcache.billing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The sum is exactly the BigDecimal sum of what was added, whether an amount is counted in units or kept apart. */
class UsdSumTest {
    @Test
    void theSumIsExact() {
        List<String> amounts = List.of("0.00045", "1E+2", "12345678.9", "0.0000000001", "0.00000000001", "123456789",
                "3", "0.1234567890", "99999999.9999999999", "1E-20", "0", "7.50");
        UsdSum sum = new UsdSum();
        BigDecimal expected = BigDecimal.ZERO;
        for (String amount : amounts) {
            sum.add(new BigDecimal(amount));
            expected = expected.add(new BigDecimal(amount));
        }
        sum.add((BigDecimal) null);
        assertEquals(0, expected.compareTo(sum.sum()), expected + " vs " + sum.sum());
        UsdSum copy = new UsdSum();
        copy.add(sum);
        assertEquals(sum.sum(), copy.sum());
    }

    @Test
    void anAmountInUnitsShowsAtTheUnitsScale() {
        UsdSum sum = new UsdSum();
        sum.add(new BigDecimal("0.00045"));
        assertEquals("0.0004500000", sum.sum().toPlainString());
    }
}
