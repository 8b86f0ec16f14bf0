package io.hookline.ingest;

import io.hookline.http.InvalidRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * An RFC 4180 CSV body as a push parser: the first row names the keys, and every later row reaches the listener as
 * the compact JSON object of its cells, as strings, in column order. Each byte is looked at once and written straight
 * into the record's JSON (escaped, its UTF-8 checked), so nothing but the current record is held, and it is bounded
 * by {@code maxRecordBytes}.
 *
 * <p>Rules: a UTF-8 byte order mark is skipped; a line break is CRLF, LF or CR; a quoted cell may hold delimiters,
 * line breaks and doubled quotes; a quote inside an unquoted cell is kept as it is; text after a closing quote is an
 * error; empty lines are skipped; a row with fewer cells than the header gets {@code ""} for the rest, a row with
 * more is an error. The delimiter is one ASCII character, so structure bytes never occur inside a UTF-8 sequence.
 */
final class CsvBodyParser extends PushParser {

    private static final int QUOTE = '"';
    private static final int CR = '\r';
    private static final int LF = '\n';
    private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private enum State {
        LINE_START,
        CELL_START,
        UNQUOTED,
        QUOTED,
        QUOTE_IN_QUOTED,
        AFTER_CR
    }

    private final int delimiter;
    private final int maxRecordBytes;

    private int bomMatched;
    private boolean pastBom;
    private State state = State.LINE_START;

    /** The header's keys, each as the bytes {@code "name":}; null while the header row is being read. */
    private byte[][] keys;

    private final List<byte[]> headerKeys = new ArrayList<>();
    private final Set<String> headerNames = new HashSet<>();
    private int cellStart;
    private int cells;
    private long recordIndex;

    private byte[] out;
    private int outLength;

    /** UTF-8 check of the cell being read: continuation bytes still due and the range the next one must be in. */
    private int utf8Due;

    private int utf8Low;
    private int utf8High;

    CsvBodyParser(ImportBodyParser.Listener listener, char delimiter, int maxRecordBytes) {
        super(listener);
        if (delimiter >= 0x80 || delimiter == '"' || delimiter == '\r' || delimiter == '\n') {
            throw new IllegalArgumentException(
                    "the delimiter must be an ASCII character other than a quote or line break");
        }
        this.delimiter = delimiter;
        this.maxRecordBytes = maxRecordBytes;
        this.out = new byte[Math.min(1024, maxRecordBytes)];
    }

    @Override
    protected void consume() {
        int b = input[pos++] & 0xff;
        if (pastBom) {
            step(b);
        } else {
            skipBom(b);
        }
    }

    @Override
    protected boolean finishInput() {
        if (!pastBom) {
            pastBom = true;
            replayBom();
            return true;
        }
        return endOfRow();
    }

    private void skipBom(int b) {
        if (b == (BOM[bomMatched] & 0xff)) {
            if (++bomMatched == BOM.length) {
                pastBom = true;
            }
            return;
        }
        pastBom = true;
        replayBom();
        step(b);
    }

    /** The first bytes looked like a BOM but were not one: they are content after all. */
    private void replayBom() {
        for (int i = 0; i < bomMatched; i++) {
            step(BOM[i] & 0xff);
        }
        bomMatched = 0;
    }

    private void step(int b) {
        switch (state) {
            case LINE_START -> {
                if (b == CR) {
                    state = State.AFTER_CR;
                } else if (b != LF) {
                    startRow();
                    state = State.CELL_START;
                    step(b);
                }
            }
            case CELL_START -> {
                startCell();
                if (b == QUOTE) {
                    state = State.QUOTED;
                } else {
                    state = State.UNQUOTED;
                    step(b);
                }
            }
            case UNQUOTED -> {
                if (!structure(b)) {
                    content(b);
                }
            }
            case QUOTED -> {
                if (b == QUOTE) {
                    state = State.QUOTE_IN_QUOTED;
                } else {
                    content(b);
                }
            }
            case QUOTE_IN_QUOTED -> {
                if (b == QUOTE) {
                    content(b);
                    state = State.QUOTED;
                } else if (!structure(b)) {
                    throw bad(
                            "has text after the closing quote of a quoted cell (a quote inside a quoted cell is written \"\")");
                }
            }
            case AFTER_CR -> {
                state = State.LINE_START;
                if (b != LF) {
                    step(b);
                }
            }
        }
    }

    /** A delimiter or line break after cell content: ends the cell (and the row). False for any other byte. */
    private boolean structure(int b) {
        if (b == delimiter) {
            endCell();
            state = State.CELL_START;
        } else if (b == LF || b == CR) {
            endCell();
            state = b == CR ? State.AFTER_CR : State.LINE_START;
            endRow();
        } else {
            return false;
        }
        return true;
    }

    /** At the end of the body: ends an open row; answers false when none was open. */
    private boolean endOfRow() {
        switch (state) {
            case CELL_START -> {
                startCell();
                endCell();
            }
            case UNQUOTED, QUOTE_IN_QUOTED -> endCell();
            case QUOTED -> throw bad("ends inside a quoted cell: its closing quote is missing");
            default -> {
                return false;
            }
        }
        state = State.LINE_START;
        endRow();
        return true;
    }

    // ---- rows and cells → JSON ----

    private void startRow() {
        outLength = 0;
        cells = 0;
        if (keys != null) {
            put('{');
        }
    }

    private void startCell() {
        if (keys != null) {
            if (cells >= keys.length) {
                throw bad("has more cells than the header (" + keys.length + ")");
            }
            if (cells > 0) {
                put(',');
            }
            put(keys[cells]);
            put('"');
        }
        cellStart = outLength;
    }

    private void content(int b) {
        if (b >= 0x80) {
            utf8(b);
            put(b);
            return;
        }
        if (utf8Due > 0) {
            throw bad("is not valid UTF-8");
        }
        if (b == '"' || b == '\\') {
            put('\\');
            put(b);
        } else if (b >= 0x20) {
            put(b);
        } else {
            put('\\');
            switch (b) {
                case '\n' -> put('n');
                case '\r' -> put('r');
                case '\t' -> put('t');
                case '\b' -> put('b');
                case '\f' -> put('f');
                default -> {
                    put('u');
                    put('0');
                    put('0');
                    put(HEX[b >> 4]);
                    put(HEX[b & 0xf]);
                }
            }
        }
    }

    private void endCell() {
        if (utf8Due > 0) {
            throw bad("is not valid UTF-8");
        }
        if (keys == null) {
            // a header cell: its escaped text becomes a key
            String name = new String(out, cellStart, outLength - cellStart, StandardCharsets.ISO_8859_1);
            if (!headerNames.add(name)) {
                throw bad("column " + (cells + 1) + " has the same name as an earlier column");
            }
            byte[] key = new byte[outLength - cellStart + 3];
            key[0] = '"';
            System.arraycopy(out, cellStart, key, 1, outLength - cellStart);
            key[key.length - 2] = '"';
            key[key.length - 1] = ':';
            headerKeys.add(key);
            outLength = cellStart;
        } else {
            put('"');
        }
        cells++;
    }

    private void endRow() {
        if (keys == null) {
            keys = headerKeys.toArray(new byte[0][]);
            return;
        }
        for (int c = cells; c < keys.length; c++) {
            if (c > 0) {
                put(',');
            }
            put(keys[c]);
            put('"');
            put('"');
        }
        put('}');
        listener.record(out, outLength, recordIndex++);
    }

    /** One byte of a multi-byte UTF-8 sequence: well-formed, shortest form, no surrogates, at most U+10FFFF. */
    private void utf8(int b) {
        if (utf8Due > 0) {
            if (b < utf8Low || b > utf8High) {
                throw bad("is not valid UTF-8");
            }
            utf8Due--;
            utf8Low = 0x80;
            utf8High = 0xBF;
            return;
        }
        utf8Low = 0x80;
        utf8High = 0xBF;
        if (b >= 0xC2 && b <= 0xDF) {
            utf8Due = 1;
        } else if (b >= 0xE0 && b <= 0xEF) {
            utf8Due = 2;
            if (b == 0xE0) {
                utf8Low = 0xA0;
            } else if (b == 0xED) {
                utf8High = 0x9F;
            }
        } else if (b >= 0xF0 && b <= 0xF4) {
            utf8Due = 3;
            if (b == 0xF0) {
                utf8Low = 0x90;
            } else if (b == 0xF4) {
                utf8High = 0x8F;
            }
        } else {
            throw bad("is not valid UTF-8");
        }
    }

    private void put(int b) {
        if (outLength == out.length) {
            grow(1);
        }
        out[outLength++] = (byte) b;
    }

    private void put(byte[] bytes) {
        if (outLength + bytes.length > out.length) {
            grow(bytes.length);
        }
        System.arraycopy(bytes, 0, out, outLength, bytes.length);
        outLength += bytes.length;
    }

    private void grow(int more) {
        int needed = outLength + more;
        if (needed > maxRecordBytes) {
            throw bad("larger than " + maxRecordBytes + " bytes");
        }
        out = Arrays.copyOf(out, Math.min(maxRecordBytes, Math.max(needed, out.length * 2)));
    }

    private InvalidRequest bad(String message) {
        return new InvalidRequest(400, keys == null ? "header" : "records[" + recordIndex + "]", message);
    }
}
