package io.hookline.ingest;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.async.ByteArrayFeeder;
import io.hookline.http.InvalidRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.function.Supplier;

/**
 * An NDJSON body (one JSON object per line) as a push parser. Lines are cut at LF (a CR before it is dropped), blank
 * lines are skipped, and each other line goes through one Jackson non-blocking parser, which reads UTF-8 only, and
 * comes out as compact JSON with the numbers' source text, as records of a JSON body do. A line is held only until it
 * is parsed, and may not be longer than {@code maxRecordBytes}.
 */
final class NdjsonBodyParser extends PushParser {

    private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    private final int maxDepth;
    private final int maxRecordBytes;
    private final JsonParser parser;
    private final ByteArrayFeeder feeder;
    private final RecordJson.Output out = new RecordJson.Output(1024);
    private final JsonGenerator gen;

    private int bomMatched;
    private boolean pastBom;
    private byte[] line = new byte[1024];
    private int lineLength;
    private long recordIndex;
    private int depth;
    /** The field an error is reported on, built only when there is one. */
    private final Supplier<String> fieldOnError = this::field;

    NdjsonBodyParser(ImportBodyParser.Listener listener, int maxDepth, int maxRecordBytes) {
        super(listener);
        this.maxDepth = maxDepth;
        this.maxRecordBytes = maxRecordBytes;
        this.parser = RecordJson.nonBlockingParser();
        this.gen = RecordJson.generator(out);
        this.feeder = (ByteArrayFeeder) parser.getNonBlockingInputFeeder();
    }

    @Override
    protected boolean finishInput() {
        if (bomMatched > 0 && !pastBom) {
            pastBom = true;
            append(BOM, 0, bomMatched);
            return true;
        }
        if (lineLength > 0) {
            endLine();
            return true;
        }
        return false;
    }

    /** Takes bytes up to the end of the next line (or of the input) into the line. */
    @Override
    protected void consume() {
        if (!pastBom) {
            byte b = input[pos];
            if (b == BOM[bomMatched]) {
                pos++;
                pastBom = ++bomMatched == BOM.length;
                return;
            }
            pastBom = true;
            append(BOM, 0, bomMatched);
        }
        int from = pos;
        int newline = from;
        while (newline < input.length && input[newline] != '\n') {
            newline++;
        }
        append(input, from, newline - from);
        if (newline < input.length) {
            pos = newline + 1;
            endLine();
        } else {
            pos = newline;
        }
    }

    private void append(byte[] bytes, int from, int length) {
        if (lineLength + length > maxRecordBytes + 1) { // + 1: the CR of a CRLF
            throw new InvalidRequest(400, field(), "larger than " + maxRecordBytes + " bytes");
        }
        if (lineLength + length + 1 > line.length) { // + 1: room for the LF endLine adds
            line = Arrays.copyOf(
                    line, Math.max(lineLength + length + 1, Math.min(line.length * 2, maxRecordBytes + 2)));
        }
        System.arraycopy(bytes, from, line, lineLength, length);
        lineLength += length;
    }

    private void endLine() {
        int length = lineLength;
        lineLength = 0;
        if (blank(line, length)) {
            return;
        }
        // The LF goes to the parser too, so a number at the end of the line is complete when the line is.
        line[length] = '\n';
        parse(length + 1);
    }

    private static boolean blank(byte[] bytes, int length) {
        for (int i = 0; i < length; i++) {
            byte b = bytes[i];
            if (b != ' ' && b != '\t' && b != '\r') {
                return false;
            }
        }
        return true;
    }

    private void parse(int length) {
        try {
            feeder.feedInput(line, 0, length);
            JsonToken token = parser.nextToken();
            if (token != JsonToken.START_OBJECT) {
                throw new InvalidRequest(400, field(), "each line must be one JSON object");
            }
            out.reset();
            depth = 0;
            while (true) {
                copy(token);
                if (depth == 0) {
                    break;
                }
                token = parser.nextToken();
                if (token == JsonToken.NOT_AVAILABLE) {
                    throw new InvalidRequest(400, field(), "the JSON object does not end on its line");
                }
            }
            if (parser.nextToken() != JsonToken.NOT_AVAILABLE) {
                throw new InvalidRequest(400, field(), "the line goes on after its JSON object");
            }
            gen.flush();
            if (out.size() > maxRecordBytes) {
                throw new InvalidRequest(400, field(), "larger than " + maxRecordBytes + " bytes");
            }
        } catch (JsonProcessingException e) {
            throw malformed(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        listener.record(out.bytes(), out.size(), recordIndex++);
    }

    /** Writes one token to the generator, keeping depth, and enforces the depth and size limits. */
    private void copy(JsonToken token) throws IOException {
        depth += RecordJson.copy(token, parser, gen, fieldOnError);
        if (depth > maxDepth) {
            throw new InvalidRequest(400, field(), "nested deeper than " + maxDepth + " levels");
        }
    }

    private String field() {
        return "records[" + recordIndex + "]";
    }

    private InvalidRequest malformed(JsonProcessingException e) {
        return new InvalidRequest(400, field(), "invalid JSON: " + RecordJson.clean(e.getOriginalMessage()));
    }

    /** A ByteArrayOutputStream whose array can be read without a copy. */
}
