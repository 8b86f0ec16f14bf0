package io.hookline.delivery;

import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

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
    try {
      Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      return Math.max(0, at.toEpochMilli() - now.toEpochMilli());
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
