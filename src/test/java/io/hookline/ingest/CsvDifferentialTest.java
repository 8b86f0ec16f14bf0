package io.hookline.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;

/**
 * The push parser against Apache Commons CSV (RFC 4180 format, empty lines ignored) on generated files: random
 * quoting, delimiters, quotes, CR, LF and CRLF inside cells, non-ASCII text, short rows, every kind of line break,
 * with and without a last line break, fed in random slices. Both must read the same cells.
 */
class CsvDifferentialTest {

    private static final String[] PIECES = {
        "a", "b", "xyz", " ", ",", ";", "\"", "\"\"", "\r", "\n", "\r\n", "é", "😀", "\t", "\\", "0", "-1.5"
    };
    private static final String[] LINE_BREAKS = {"\n", "\r\n", "\r"};

    @Test
    void readsWhatCommonsCsvReadsOnGeneratedFiles() throws IOException {
        Random random = new Random(20261126);
        int rowsChecked = 0;
        for (int file = 0; file < 400; file++) {
            char delimiter = random.nextInt(4) == 0 ? ';' : ',';
            int columns = 1 + random.nextInt(6);
            StringBuilder csv = new StringBuilder();
            List<String> header = new ArrayList<>();
            for (int c = 0; c < columns; c++) {
                header.add("col" + c + (random.nextBoolean() ? " \"q\"" + delimiter : ""));
            }
            appendRow(csv, header, delimiter, random);
            int rows = random.nextInt(40);
            for (int r = 0; r < rows; r++) {
                csv.append(LINE_BREAKS[random.nextInt(LINE_BREAKS.length)]);
                int cells = random.nextInt(5) == 0 ? 1 + random.nextInt(columns) : columns; // some short rows
                List<String> row = new ArrayList<>();
                for (int c = 0; c < cells; c++) {
                    row.add(cell(random));
                }
                if (cells == 1 && row.get(0).isEmpty()) {
                    row.set(0, "x"); // an empty line is skipped by both; keep the row count simple
                }
                appendRow(csv, row, delimiter, random);
            }
            if (random.nextBoolean()) {
                csv.append(LINE_BREAKS[random.nextInt(LINE_BREAKS.length)]);
            }
            String text = csv.toString();

            List<List<String>> expected = commons(text, delimiter);
            ParsedBody parsed = ParsedBody.parse(
                    l -> new CsvBodyParser(l, delimiter, 1 << 20),
                    text.getBytes(StandardCharsets.UTF_8),
                    random.nextInt(3) == 0 ? 1 : 0,
                    random.nextInt(4),
                    file);
            assertThat(parsed.error()).as("file %d:\n%s", file, text).isNull();
            assertThat(parsed.ended()).isTrue();
            List<String> names = expected.get(0);
            assertThat(parsed.records()).as("file %d:\n%s", file, text).hasSize(expected.size() - 1);
            for (int r = 1; r < expected.size(); r++) {
                JsonObject record = new JsonObject(parsed.records().get(r - 1));
                assertThat(new ArrayList<>(record.fieldNames())).isEqualTo(names);
                List<String> values = new ArrayList<>(expected.get(r));
                while (values.size() < names.size()) {
                    values.add("");
                }
                List<String> got = names.stream().map(record::getString).toList();
                assertThat(got).as("file %d, row %d:\n%s", file, r - 1, text).isEqualTo(values);
                rowsChecked++;
            }
        }
        assertThat(rowsChecked).isGreaterThan(5000);
    }

    private static String cell(Random random) {
        int pieces = random.nextInt(5);
        StringBuilder cell = new StringBuilder();
        for (int i = 0; i < pieces; i++) {
            cell.append(PIECES[random.nextInt(PIECES.length)]);
        }
        return cell.toString();
    }

    /** Quotes a cell when it must be, and sometimes when it need not be; a quote inside an unquoted cell stays bare. */
    private static void appendRow(StringBuilder csv, List<String> cells, char delimiter, Random random) {
        for (int c = 0; c < cells.size(); c++) {
            if (c > 0) {
                csv.append(delimiter);
            }
            String cell = cells.get(c);
            boolean mustQuote = cell.indexOf(delimiter) >= 0
                    || cell.contains("\r")
                    || cell.contains("\n")
                    || cell.startsWith("\"")
                    || (cell.isEmpty() && cells.size() == 1);
            if (mustQuote || random.nextInt(3) == 0) {
                csv.append('"').append(cell.replace("\"", "\"\"")).append('"');
            } else {
                csv.append(cell);
            }
        }
    }

    private static List<List<String>> commons(String text, char delimiter) throws IOException {
        CSVFormat format = CSVFormat.RFC4180
                .builder()
                .setDelimiter(delimiter)
                .setIgnoreEmptyLines(true)
                .get();
        List<List<String>> rows = new ArrayList<>();
        try (CSVParser parser = CSVParser.parse(new StringReader(text), format)) {
            for (CSVRecord record : parser) {
                rows.add(record.toList());
            }
        }
        return rows;
    }
}
