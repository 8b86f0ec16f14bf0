package io.hookline.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Statements kept as files under {@code src/main/resources/sql}: the queue's SQL is long enough to deserve its own
 * file, comments included. Each starts with a comment naming it ({@code hookline:claim}, ...), which is how it shows
 * in {@code pg_stat_activity}.
 */
final class Sql {

    private Sql() {}

    static String load(String name) {
        String path = "/sql/" + name + ".sql";
        try (InputStream in = Sql.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
