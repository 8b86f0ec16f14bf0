package io.hookline.format;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** chunkFormat: every variable, exact and embedded; "{{data}}" is the page's array. */
class ChunkFormatTest {

    private static final Buffer PAGE = Buffer.buffer("[{\"a\":1.10},{\"b\":\"x\\\"y\"}]");

    @Test
    void everyVariableExact() {
        ChunkFormat f =
                ChunkFormat.of("{\"t\":\"{{template}}\",\"u\":\"{{uploadId}}\",\"payload\":{\"rows\":\"{{data}}\"},"
                        + "\"tr\":\"{{totalRecords}}\",\"tp\":\"{{totalPages}}\",\"p\":\"{{page}}\",\"ps\":\"{{pageSize}}\","
                        + "\"e\":\"{{extra}}\",\"x\":\"{{unknown}}\",\"k\":[1,\"{{page}}\"]}");
        Buffer body = f.body("users", "up-1", PAGE, 1234, 13, 2, 2, Buffer.buffer("{\"batch\":7}"));
        assertThat(body.toString())
                .isEqualTo("{\"t\":\"users\",\"u\":\"up-1\",\"payload\":{\"rows\":"
                        + "[{\"a\":1.10},{\"b\":\"x\\\"y\"}]},\"tr\":1234,\"tp\":13,\"p\":2,\"ps\":2,\"e\":{\"batch\":7},\"x\":null,"
                        + "\"k\":[1,2]}");
    }

    @Test
    void everyVariableEmbedded() {
        ChunkFormat f = ChunkFormat.compile(new JsonObject("{\"s\":\"{{template}}/{{uploadId}} page {{page}} of "
                + "{{totalPages}} ({{pageSize}} of {{totalRecords}}) extra={{extra}} x=[{{unknown}}]\","
                + "\"d\":\"{{data}}\\n\"}"));
        Buffer body = f.body("users", "up-1", PAGE, 1234, 13, 2, 2, Buffer.buffer("\"text \\\"x\\\"\""));
        assertThat(body.toString())
                .isEqualTo("{\"s\":\"users/up-1 page 2 of 13 (2 of 1234) extra=text \\\"x\\\" x=[]\","
                        + "\"d\":\"[{\\\"a\\\":1.10},{\\\"b\\\":\\\"x\\\\\\\"y\\\"}]\\n\"}");
        assertThat(new JsonObject(body).getString("d")).isEqualTo(PAGE.toString() + "\n");
    }

    @Test
    void anAbsentExtraIsNullWhenExactAndNothingWhenEmbedded() {
        ChunkFormat f = ChunkFormat.of("{\"e\":\"{{extra}}\",\"s\":\"[{{extra}}]\",\"data\":\"{{data}}\"}");
        assertThat(f.body("t", "u", PAGE, 2, 1, 1, 2, null).toString())
                .isEqualTo("{\"e\":null,\"s\":\"[]\",\"data\":" + PAGE + "}");
    }

    @Test
    void theSameFormatGivesTheSameBytesEveryTime() {
        String stored = "{\"data\":\"{{data}}\",\"page\":\"{{page}}\"}";
        Buffer first = ChunkFormat.of(stored).body("t", "u", PAGE, 2, 1, 1, 2, null);
        Buffer again = ChunkFormat.of(new String(stored)).body("t", "u", PAGE, 2, 1, 1, 2, null);
        assertThat(again.getBytes()).isEqualTo(first.getBytes());
    }
}
