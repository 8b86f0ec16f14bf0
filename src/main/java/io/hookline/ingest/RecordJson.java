package io.hookline.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import io.hookline.http.InvalidRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.Supplier;

/**
 * What the JSON and NDJSON body parsers share: one Jackson set-up (duplicate keys refused), the copy of a record's
 * tokens as compact JSON with the numbers' source text, and error text that never echoes the input.
 */
final class RecordJson {

    static final int MAX_NUMBER_LENGTH = 1000;

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .streamReadConstraints(
                    StreamReadConstraints.builder().maxNestingDepth(1000).build())
            .build();

    private RecordJson() {}

    /** A record's bytes as they are written, handed on without a copy. */
    static final class Output extends ByteArrayOutputStream {
        Output(int size) {
            super(size);
        }

        byte[] bytes() {
            return buf;
        }
    }

    static JsonParser nonBlockingParser() {
        try {
            return FACTORY.createNonBlockingByteArrayParser();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A generator of compact JSON values written one after another, without separators. */
    static JsonGenerator generator(Output out) {
        try {
            JsonGenerator gen = FACTORY.createGenerator(out);
            gen.setRootValueSeparator(null);
            return gen;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Jackson's message without any echo of the input (it may hold a secret): what is wrong, on one line. */
    static String clean(String message) {
        if (message == null) {
            return "malformed JSON";
        }
        if (!message.startsWith("Duplicate field")) {
            int quote = message.indexOf('\'');
            message = quote > 0 ? message.substring(0, quote).trim() : message;
        }
        int newline = message.indexOf('\n');
        return newline > 0 ? message.substring(0, newline) : message;
    }

    /**
     * Writes {@code token}, just read from {@code parser}, to {@code gen}, and answers how it changes the nesting depth
     * (1, -1 or 0). A number longer than {@link #MAX_NUMBER_LENGTH} characters is refused: the non-blocking parser
     * does not apply Jackson's number-length limit, and receivers using Jackson's defaults could not parse it. The
     * error names {@code field}, which is only asked for then.
     */
    static int copy(JsonToken token, JsonParser parser, JsonGenerator gen, Supplier<String> field) throws IOException {
        switch (token) {
            case START_OBJECT -> {
                gen.writeStartObject();
                return 1;
            }
            case START_ARRAY -> {
                gen.writeStartArray();
                return 1;
            }
            case END_OBJECT -> {
                gen.writeEndObject();
                return -1;
            }
            case END_ARRAY -> {
                gen.writeEndArray();
                return -1;
            }
            case FIELD_NAME -> gen.writeFieldName(parser.currentName());
            case VALUE_STRING ->
                gen.writeString(parser.getTextCharacters(), parser.getTextOffset(), parser.getTextLength());
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                if (parser.getTextLength() > MAX_NUMBER_LENGTH) {
                    throw new InvalidRequest(
                            400, field.get(), "has a number longer than " + MAX_NUMBER_LENGTH + " characters");
                }
                gen.writeNumber(parser.getText());
            }
            case VALUE_TRUE -> gen.writeBoolean(true);
            case VALUE_FALSE -> gen.writeBoolean(false);
            case VALUE_NULL -> gen.writeNull();
            default -> throw new InvalidRequest(400, field.get(), "unexpected JSON token " + token);
        }
        return 0;
    }
}
