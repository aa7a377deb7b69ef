package dev.modelcache.bench;

import java.util.Arrays;
import java.util.List;

/** The benchmark's arithmetic: medians of rounds and exact percentiles of sorted samples. */
final class BenchStats {
    private BenchStats() {
    }

    /** The median of the rounds (the mean of the middle two for an even count); NaN for none. */
    static double median(List<Double> values) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    /**
     * The {@code p}-th percentile (0 to 100) of ascending samples by the nearest rank: the smallest sample that at
     * least {@code p} percent of the samples do not exceed. NaN for none.
     */
    static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
    }

    /** A ratio, NaN when either side is missing or the divisor is zero. */
    static double ratio(double numerator, double denominator) {
        return Double.isNaN(numerator) || Double.isNaN(denominator) || denominator == 0 ? Double.NaN
                : numerator / denominator;
    }

    static long[] sorted(long[] samples) {
        long[] copy = samples.clone();
        Arrays.sort(copy);
        return copy;
    }
}
