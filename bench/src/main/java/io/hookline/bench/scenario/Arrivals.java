package io.hookline.bench.scenario;

import static io.hookline.bench.result.Numbers.round;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * How the sink saw requests arrive: bursts (arrivals less than 1 ms apart) and the gaps between them. Bursts the
 * size of a claim, separated by gaps the length of a claim round trip, mean sending waits for claiming.
 */
final class Arrivals {

    private Arrivals() {}

    /** {@code times}: receive times in nanoseconds, sorted. */
    static JsonObject of(List<Long> times) {
        List<Integer> bursts = new ArrayList<>();
        List<Long> gaps = new ArrayList<>();
        int size = times.isEmpty() ? 0 : 1;
        for (int i = 1; i < times.size(); i++) {
            long gap = times.get(i) - times.get(i - 1);
            if (gap < 1_000_000L) {
                size++;
            } else {
                bursts.add(size);
                gaps.add(gap);
                size = 1;
            }
        }
        if (size > 0) {
            bursts.add(size);
        }
        bursts.sort(Integer::compare);
        gaps.sort(Long::compare);
        double meanBurst = bursts.stream().mapToInt(Integer::intValue).average().orElse(0);
        return new JsonObject()
                .put("requests", times.size())
                .put("bursts", bursts.size())
                .put("meanBurst", round(meanBurst, 1))
                .put("medianBurst", bursts.isEmpty() ? 0 : bursts.get(bursts.size() / 2))
                .put("medianGapMs", gaps.isEmpty() ? 0 : round(gaps.get(gaps.size() / 2) / 1e6, 2))
                .put("p90GapMs", gaps.isEmpty() ? 0 : round(gaps.get(gaps.size() * 9 / 10) / 1e6, 2));
    }
}
