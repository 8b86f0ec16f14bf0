package io.hookline.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Retry-After: seconds, or an HTTP-date in any of its three forms (RFC 9110 section 5.6.7). */
class RetryAfterTest {

    private static final Instant NOW = Instant.parse("1994-11-06T08:49:00Z");

    @Test
    void secondsAndTheThreeDateForms() {
        assertThat(RetryAfter.parse("120", NOW)).isEqualTo(120_000L);
        assertThat(RetryAfter.parse("Sun, 06 Nov 1994 08:49:37 GMT", NOW)).isEqualTo(37_000L); // IMF-fixdate
        assertThat(RetryAfter.parse("Sunday, 06-Nov-94 08:49:37 GMT", NOW)).isEqualTo(37_000L); // RFC 850
        assertThat(RetryAfter.parse("Sun Nov  6 08:49:37 1994", NOW)).isEqualTo(37_000L); // asctime
    }

    @Test
    void aDateInThePastIsNoWaitAndNonsenseIsIgnored() {
        assertThat(RetryAfter.parse("Sun, 06 Nov 1994 08:00:00 GMT", NOW)).isZero();
        assertThat(RetryAfter.parse("soon", NOW)).isNull();
        assertThat(RetryAfter.parse(" ", NOW)).isNull();
        assertThat(RetryAfter.parse(null, NOW)).isNull();
    }
}
