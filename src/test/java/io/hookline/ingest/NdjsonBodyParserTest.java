package io.hookline.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookline.http.InvalidRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The NDJSON push parser, each case fed whole, byte by byte and in random slices, with suspensions. */
class NdjsonBodyParserTest {

    private static final int MAX = 1 << 20;

    private static ParsedBody parse(byte[] body, int max) {
        ParsedBody whole =
                ParsedBody.parse(l -> new NdjsonBodyParser(l, 64, max), body, Math.max(1, body.length), 0, 1);
        for (int slice : new int[] {1, 2, 5, 0}) {
            for (int suspendEvery : new int[] {0, 1, 2}) {
                ParsedBody other =
                        ParsedBody.parse(l -> new NdjsonBodyParser(l, 64, max), body, slice, suspendEvery, slice);
                assertThat(other.records()).isEqualTo(whole.records());
                assertThat(other.ended()).isEqualTo(whole.ended());
                assertThat(other.refusal()).isEqualTo(whole.refusal());
            }
        }
        return whole;
    }

    private static List<String> records(String body) {
        ParsedBody parsed = parse(body.getBytes(StandardCharsets.UTF_8), MAX);
        assertThat(parsed.error()).as("error").isNull();
        assertThat(parsed.ended()).isTrue();
        return parsed.records();
    }

    private static InvalidRequest error(String body) {
        ParsedBody parsed = parse(body.getBytes(StandardCharsets.UTF_8), MAX);
        assertThat(parsed.error()).as("an error for " + body).isNotNull();
        assertThat(parsed.error().status()).isEqualTo(400);
        return parsed.error();
    }

    @Test
    void oneObjectPerLineComesOutCompactWithNumbersAsWritten() {
        assertThat(records("{\"a\": 1.10, \"b\": [1, {\"c\": null}], \"d\": \"x\\u00e9\"}\n{ }\r\n{\"n\":-0e5}"))
                .containsExactly("{\"a\":1.10,\"b\":[1,{\"c\":null}],\"d\":\"xé\"}", "{}", "{\"n\":-0e5}");
    }

    @Test
    void blankLinesAreSkippedAndNotCounted() {
        assertThat(records("\n\n{\"i\":0}\n  \n\t\r\n{\"i\":1}\n\n")).containsExactly("{\"i\":0}", "{\"i\":1}");
        assertThat(error("\n{\"i\":0}\n\n[1]\n").field()).isEqualTo("records[1]");
    }

    @Test
    void anEmptyBodyHasNoRecords() {
        assertThat(records("")).isEmpty();
        assertThat(records("\n\r\n")).isEmpty();
    }

    @Test
    void aByteOrderMarkIsSkipped() {
        assertThat(records("\uFEFF{\"a\":1}\n")).containsExactly("{\"a\":1}");
    }

    @Test
    void aLineThatIsNotAnObjectIsRefusedNamingIt() {
        for (String line : new String[] {
            "[1,2]",
            "\"text\"",
            "42",
            "null",
            "true",
            "{\"a\":",
            "{\"a\":1} {\"b\":2}",
            "{\"a\":1},",
            "{a:1}",
            "{\"a\":1,\"a\":2}",
            "{\"a\":tru}",
            "garbage"
        }) {
            InvalidRequest e = error("{\"ok\":0}\n{\"ok\":1}\n" + line + "\n{\"ok\":3}\n");
            assertThat(e.field()).as(line).isEqualTo("records[2]");
        }
        assertThat(error("{\"a\":\n1}\n").getMessage()).contains("does not end on its line");
        assertThat(error("{\"a\":1} {}\n").getMessage()).contains("goes on after");
        assertThat(error("[1]").getMessage()).contains("one JSON object");
    }

    @Test
    void invalidUtf8IsRefused() {
        byte[] body = {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, '"', '}', '\n'};
        ParsedBody parsed = parse(body, MAX);
        assertThat(parsed.error().field()).isEqualTo("records[0]");
    }

    @Test
    void aLineOverTheSizeLimitIsRefusedAndDepthIsLimited() {
        String ok = "{\"a\":\"" + "x".repeat(20) + "\"}";
        ParsedBody fits = parse((ok + "\r\n").getBytes(StandardCharsets.UTF_8), ok.length());
        assertThat(fits.error()).isNull();
        assertThat(fits.records()).containsExactly(ok);
        ParsedBody tooLarge = parse((ok + "\n" + ok + "   x\n").getBytes(StandardCharsets.UTF_8), ok.length());
        assertThat(tooLarge.error().field()).isEqualTo("records[1]");
        assertThat(tooLarge.error().getMessage()).contains("larger than");
        String deep = "{\"a\":".repeat(65) + "1" + "}".repeat(65);
        assertThat(error(deep).getMessage()).contains("deeper than 64");
    }
}
