package io.hookline.store;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The JDBC URL Flyway gets keeps the host, port, database and query parameters of HOOKLINE_DB_URL, not the user. */
class JdbcUrlTest {

    @Test
    void queryParametersSuchAsSslmodeAreKept() {
        assertThat(Database.jdbcUrl("postgresql://u:p%40ss@db.example.com:6543/hook?sslmode=require&connectTimeout=5"))
                .isEqualTo("jdbc:postgresql://db.example.com:6543/hook?sslmode=require&connectTimeout=5");
    }

    @Test
    void withoutParametersOrPortTheDefaultsAreSpelledOut() {
        assertThat(Database.jdbcUrl("postgresql://u@localhost/hookline"))
                .isEqualTo("jdbc:postgresql://localhost:5432/hookline");
    }
}
