package io.hookline.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.async.ByteArrayFeeder;
import io.hookline.http.InvalidRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;

/**
 * An NDJSON body (one JSON object per line) as a push parser. Lines are cut at LF (a CR before it is dropped), blank
 * lines are skipped, and each other line goes through one Jackson non-blocking parser, which reads UTF-8 only, and
 * comes out as compact JSON with the numbers' source text, as records of a JSON body do. A line is held only until it
 * is parsed, and may not be longer than {@code maxRecordBytes}.
 */
final class NdjsonBodyParser implements BodyParser {

    private static final int MAX_NUMBER_LENGTH = 1000;
    private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .streamReadConstraints(
                    StreamReadConstraints.builder().maxNestingDepth(1000).build())
            .build();

    private final ImportBodyParser.Listener listener;
    private final int maxDepth;
    private final int maxRecordBytes;
    private final JsonParser parser;
    private final ByteArrayFeeder feeder;
    private final Output out = new Output();
    private final JsonGenerator gen;

    private byte[] input;
    private int pos;
    private boolean ended;
    private boolean done;
    private boolean suspended;
    private boolean running;

    private int bomMatched;
    private boolean pastBom;
    private byte[] line = new byte[1024];
    private int lineLength;
    private long recordIndex;
    private int depth;

    NdjsonBodyParser(ImportBodyParser.Listener listener, int maxDepth, int maxRecordBytes) {
        this.listener = listener;
        this.maxDepth = maxDepth;
        this.maxRecordBytes = maxRecordBytes;
        try {
            this.parser = FACTORY.createNonBlockingByteArrayParser();
            this.gen = FACTORY.createGenerator(out);
            this.gen.setRootValueSeparator(null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.feeder = (ByteArrayFeeder) parser.getNonBlockingInputFeeder();
    }

    @Override
    public boolean needsInput() {
        return input == null || pos >= input.length;
    }

    @Override
    public void feed(byte[] bytes) {
        input = bytes;
        pos = 0;
        run();
    }

    @Override
    public void endOfInput() {
        ended = true;
        run();
    }

    @Override
    public void suspend() {
        suspended = true;
    }

    @Override
    public void resume() {
        suspended = false;
        run();
    }

    @Override
    public boolean suspended() {
        return suspended;
    }

    @Override
    public boolean seenRecords() {
        return true;
    }

    private void run() {
        if (running) {
            return; // resume() from inside a listener call: the running loop goes on by itself
        }
        running = true;
        try {
            while (!suspended) {
                if (input != null && pos < input.length) {
                    take();
                } else if (!ended || done) {
                    return;
                } else if (bomMatched > 0 && !pastBom) {
                    pastBom = true;
                    append(BOM, 0, bomMatched);
                } else if (lineLength > 0) {
                    endLine();
                } else {
                    done = true;
                    listener.end();
                    return;
                }
            }
        } finally {
            running = false;
        }
    }

    /** Takes bytes up to the end of the next line (or of the input) into the line. */
    private void take() {
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
        switch (token) {
            case START_OBJECT -> {
                depth++;
                gen.writeStartObject();
            }
            case START_ARRAY -> {
                depth++;
                gen.writeStartArray();
            }
            case END_OBJECT -> {
                depth--;
                gen.writeEndObject();
            }
            case END_ARRAY -> {
                depth--;
                gen.writeEndArray();
            }
            case FIELD_NAME -> gen.writeFieldName(parser.currentName());
            case VALUE_STRING ->
                gen.writeString(parser.getTextCharacters(), parser.getTextOffset(), parser.getTextLength());
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                if (parser.getTextLength() > MAX_NUMBER_LENGTH) {
                    throw new InvalidRequest(
                            400, field(), "has a number longer than " + MAX_NUMBER_LENGTH + " characters");
                }
                gen.writeNumber(parser.getText());
            }
            case VALUE_TRUE -> gen.writeBoolean(true);
            case VALUE_FALSE -> gen.writeBoolean(false);
            case VALUE_NULL -> gen.writeNull();
            default -> throw new InvalidRequest(400, field(), "unexpected JSON token " + token);
        }
        if (depth > maxDepth) {
            throw new InvalidRequest(400, field(), "nested deeper than " + maxDepth + " levels");
        }
    }

    private String field() {
        return "records[" + recordIndex + "]";
    }

    /** Jackson's message without any echo of the input (it may hold a secret): what is wrong. */
    private InvalidRequest malformed(JsonProcessingException e) {
        String message = e.getOriginalMessage();
        if (message == null) {
            message = "malformed JSON";
        }
        if (!message.startsWith("Duplicate field")) {
            int quote = message.indexOf('\'');
            message = quote > 0 ? message.substring(0, quote).trim() : message;
        }
        int newline = message.indexOf('\n');
        if (newline > 0) {
            message = message.substring(0, newline);
        }
        return new InvalidRequest(400, field(), "invalid JSON: " + message);
    }

    /** A ByteArrayOutputStream whose array can be read without a copy. */
    private static final class Output extends ByteArrayOutputStream {
        Output() {
            super(1024);
        }

        byte[] bytes() {
            return buf;
        }
    }
}
