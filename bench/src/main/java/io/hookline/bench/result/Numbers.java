package io.hookline.bench.result;

import java.util.ArrayList;
import java.util.List;

/** Rounding, and the median of the windows of a steady phase. */
public final class Numbers {

    private Numbers() {}

    public static double round(double v, int places) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return v;
        }
        double f = Math.pow(10, places);
        return Math.round(v * f) / f;
    }

    /** The median (the mean of the two middle values for an even count); NaN when empty. */
    public static double median(List<Double> values) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(Double::compare);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
