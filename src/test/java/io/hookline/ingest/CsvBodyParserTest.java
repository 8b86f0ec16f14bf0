package io.hookline.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookline.http.InvalidRequest;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Function;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The CSV push parser, case by case. Every case is fed whole, byte by byte (so every quote, CR, LF and UTF-8
 * sequence lands on a slice boundary) and in random slices, and must come out the same each way.
 */
class CsvBodyParserTest {

    private static final int MAX = 1 << 20;

    private static Function<ImportBodyParser.Listener, BodyParser> csv(char delimiter, int max) {
        return listener -> new CsvBodyParser(listener, delimiter, max);
    }

    /** Parses with every slicing and insists they agree; answers the result. */
    private static ParsedBody parse(String body, char delimiter, int max) {
        return parse(body.getBytes(StandardCharsets.UTF_8), delimiter, max);
    }

    private static ParsedBody parse(byte[] body, char delimiter, int max) {
        ParsedBody whole = ParsedBody.parse(csv(delimiter, max), body, Math.max(1, body.length), 0, 1);
        for (int slice : new int[] {1, 2, 3, 0}) {
            for (int suspendEvery : new int[] {0, 1, 2}) {
                ParsedBody other = ParsedBody.parse(csv(delimiter, max), body, slice, suspendEvery, slice * 31L + 7);
                assertThat(other.records()).as("records, slice %d", slice).isEqualTo(whole.records());
                assertThat(other.ended()).isEqualTo(whole.ended());
                assertThat(other.refusal()).isEqualTo(whole.refusal());
            }
        }
        if (whole.error() == null) {
            assertThat(whole.ended()).as("end() after the last record").isTrue();
            whole.records().forEach(r -> new JsonObject(r)); // each is valid JSON
        }
        return whole;
    }

    private static List<String> records(String body) {
        ParsedBody parsed = parse(body, ',', MAX);
        assertThat(parsed.error()).as("error").isNull();
        return parsed.records();
    }

    private static InvalidRequest error(String body) {
        ParsedBody parsed = parse(body, ',', MAX);
        assertThat(parsed.error()).as("an error for " + body).isNotNull();
        assertThat(parsed.error().status()).isEqualTo(400);
        return parsed.error();
    }

    @ParameterizedTest
    @ValueSource(strings = {"\n", "\r\n", "\r"})
    void rowsBecomeObjectsOfStringsInColumnOrderWithAnyLineBreak(String eol) {
        String body = "name,email,age" + eol + "Ann,ann@example.com,41" + eol + "Bob,bob@example.com,7" + eol;
        assertThat(records(body))
                .containsExactly(
                        "{\"name\":\"Ann\",\"email\":\"ann@example.com\",\"age\":\"41\"}",
                        "{\"name\":\"Bob\",\"email\":\"bob@example.com\",\"age\":\"7\"}");
        // without a line break after the last row
        assertThat(records(body.substring(0, body.length() - eol.length()))).hasSize(2);
    }

    @Test
    void quotedCellsHoldDelimitersDoubledQuotesAndLineBreaks() {
        String body = "a,b,c\r\n\"x, y\",\"say \"\"hi\"\"\",\"line 1\r\nline 2\nline 3\"\r\n\"\",\"\"\"\",\",\"\r\n";
        assertThat(records(body))
                .containsExactly(
                        "{\"a\":\"x, y\",\"b\":\"say \\\"hi\\\"\",\"c\":\"line 1\\r\\nline 2\\nline 3\"}",
                        "{\"a\":\"\",\"b\":\"\\\"\",\"c\":\",\"}");
    }

    @Test
    void emptyCellsAreEmptyStringsAndATrailingDelimiterIsOneMoreCell() {
        assertThat(records("a,b,c\n,,\n1,,3\n,2,\n"))
                .containsExactly(
                        "{\"a\":\"\",\"b\":\"\",\"c\":\"\"}",
                        "{\"a\":\"1\",\"b\":\"\",\"c\":\"3\"}",
                        "{\"a\":\"\",\"b\":\"2\",\"c\":\"\"}");
        assertThat(records("a,b\n1,")).containsExactly("{\"a\":\"1\",\"b\":\"\"}");
    }

    @Test
    void aByteOrderMarkIsSkippedAndOnlyAtTheStart() {
        assertThat(records("\uFEFFid,name\n1,\uFEFFx\n")).containsExactly("{\"id\":\"1\",\"name\":\"\uFEFFx\"}");
        // bytes that start like a BOM but are not one are content: EF BB 80 is U+FEC0
        byte[] notBom = {(byte) 0xEF, (byte) 0xBB, (byte) 0x80, 'a', '\n', '1', '\n'};
        ParsedBody parsed = parse(notBom, ',', MAX);
        assertThat(parsed.records()).containsExactly("{\"\uFEC0a\":\"1\"}");
    }

    @Test
    void anotherDelimiter() {
        ParsedBody parsed = parse("a;b;c\n1,5;\"x;y\";\n", ';', MAX);
        assertThat(parsed.error()).isNull();
        assertThat(parsed.records()).containsExactly("{\"a\":\"1,5\",\"b\":\"x;y\",\"c\":\"\"}");
        ParsedBody tabs = parse("a\tb\n1\t2\n", '\t', MAX);
        assertThat(tabs.records()).containsExactly("{\"a\":\"1\",\"b\":\"2\"}");
    }

    @Test
    void aShortRowGetsEmptyStringsForTheRest() {
        assertThat(records("a,b,c\n1\n1,2\n"))
                .containsExactly("{\"a\":\"1\",\"b\":\"\",\"c\":\"\"}", "{\"a\":\"1\",\"b\":\"2\",\"c\":\"\"}");
    }

    @Test
    void aLongRowIsRefusedNamingItsIndexAmongDataRows() {
        InvalidRequest e = error("a,b\n1,2\n\n3,4\n5,6,7\n8,9\n");
        assertThat(e.field()).isEqualTo("records[2]"); // the empty line is not a row
        assertThat(e.getMessage()).contains("more cells than the header");
    }

    @Test
    void emptyLinesAreSkipped() {
        assertThat(records("\n\r\na,b\r\n\r\n1,2\n\n\n3,4\r\n\r\n"))
                .containsExactly("{\"a\":\"1\",\"b\":\"2\"}", "{\"a\":\"3\",\"b\":\"4\"}");
    }

    @Test
    void anEmptyBodyAndAHeaderAloneHaveNoRecords() {
        assertThat(records("")).isEmpty();
        assertThat(records("\uFEFF")).isEmpty();
        assertThat(records("a,b,c")).isEmpty();
        assertThat(records("a,b,c\r\n")).isEmpty();
    }

    @Test
    void quotesInsideAnUnquotedCellAreKept() {
        assertThat(records("a,b\n5\" pipe,x\"y\"\n")).containsExactly("{\"a\":\"5\\\" pipe\",\"b\":\"x\\\"y\\\"\"}");
    }

    @Test
    void textAfterAClosingQuoteIsRefused() {
        InvalidRequest e = error("a,b\n1,2\n\"x\"y,2\n");
        assertThat(e.field()).isEqualTo("records[1]");
        assertThat(e.getMessage()).contains("after the closing quote");
    }

    @Test
    void aQuotedCellLeftOpenIsRefused() {
        InvalidRequest e = error("a,b\n1,\"2\n3,4\n");
        assertThat(e.field()).isEqualTo("records[0]");
        assertThat(e.getMessage()).contains("closing quote is missing");
        assertThat(error("\"a,b\n").field()).isEqualTo("header");
    }

    @Test
    void utf8IsKeptAndControlCharactersAndBackslashesAreEscaped() {
        assertThat(records("name,note\nZoë 😀,\"tab\there\\back\u0001\"\n"))
                .containsExactly("{\"name\":\"Zoë 😀\",\"note\":\"tab\\there\\\\back\\u0001\"}");
    }

    @Test
    void invalidUtf8IsRefused() {
        byte[][] bad = {
            {'a', '\n', (byte) 0xC3, '\n'}, // a lead byte without its continuation
            {'a', '\n', (byte) 0x80, '\n'}, // a continuation byte alone
            {'a', '\n', (byte) 0xC0, (byte) 0x80, '\n'}, // an overlong NUL
            {'a', '\n', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '\n'}, // a surrogate
            {'a', '\n', (byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80, '\n'}, // above U+10FFFF
            {'a', '\n', '"', (byte) 0xE2, (byte) 0x82, '"', '\n'}, // cut short by the closing quote
        };
        for (byte[] body : bad) {
            ParsedBody parsed = parse(body, ',', MAX);
            assertThat(parsed.error())
                    .as(new String(body, StandardCharsets.ISO_8859_1))
                    .isNotNull();
            assertThat(parsed.error().field()).isEqualTo("records[0]");
            assertThat(parsed.error().getMessage()).contains("UTF-8");
        }
        assertThat(parse(new byte[] {(byte) 0xFF, '\n'}, ',', MAX).error().field())
                .isEqualTo("header");
    }

    @Test
    void aRepeatedColumnNameIsRefused() {
        InvalidRequest e = error("id,name,id\n1,2,3\n");
        assertThat(e.field()).isEqualTo("header");
        assertThat(e.getMessage()).contains("column 3");
    }

    @Test
    void aRecordOverTheSizeLimitIsRefusedAndOneAtTheLimitIsNot() {
        String atLimit = "{\"a\":\"" + "x".repeat(10) + "\"}"; // 18 bytes
        ParsedBody ok = parse("a\n" + "x".repeat(10) + "\n", ',', atLimit.length());
        assertThat(ok.error()).isNull();
        assertThat(ok.records()).containsExactly(atLimit);
        ParsedBody tooLarge = parse("a\n" + "x".repeat(10) + "\n" + "x".repeat(11) + "\n", ',', atLimit.length());
        assertThat(tooLarge.error().field()).isEqualTo("records[1]");
        assertThat(tooLarge.error().getMessage()).contains("larger than 18 bytes");
        // a quoted cell that never ends is stopped by the same limit, not by the end of memory
        ParsedBody open = parse("a\n\"" + "x".repeat(100), ',', 64);
        assertThat(open.error().getMessage()).contains("larger than 64 bytes");
    }

    @Test
    void theDelimiterMustBeOneAsciiCharacterThatIsNotStructure() {
        for (char c : new char[] {'"', '\n', '\r', 'é'}) {
            Assertions.assertThatThrownBy(() -> new CsvBodyParser(null, c, MAX))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }
}
