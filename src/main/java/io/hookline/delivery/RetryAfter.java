package io.hookline.delivery;

import io.netty.handler.codec.DateFormatter;
import java.time.Instant;
import java.util.Date;

/** Parses a Retry-After header: delay-seconds or an HTTP-date (RFC 9110 section 10.2.3). */
final class RetryAfter {

    private RetryAfter() {}

    /** Milliseconds to wait from {@code now}, or null when the header is absent or unreadable. */
    static Long parse(String header, Instant now) {
        if (header == null || header.isBlank()) {
            return null;
        }
        String v = header.trim();
        if (v.chars().allMatch(Character::isDigit)) {
            try {
                return Math.multiplyExact(Long.parseLong(v), 1000L);
            } catch (ArithmeticException | NumberFormatException e) {
                return Long.MAX_VALUE;
            }
        }
        // IMF-fixdate, and the obsolete RFC 850 and asctime forms a recipient must accept (RFC 9110 section 5.6.7)
        Date at = DateFormatter.parseHttpDate(v);
        return at == null ? null : Math.max(0, at.getTime() - now.toEpochMilli());
    }
}
