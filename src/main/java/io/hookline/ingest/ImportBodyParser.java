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
 * Streams an import body ({@code {"template", "records", "extra", "authHeaderValue", "uploadId"}}) through Jackson's
 * non-blocking parser: bytes are fed as they arrive and every record is handed on, re-serialised compactly, the
 * moment it closes. Nothing but the current record is held. The listener may {@link #suspend()} parsing (to wait for
 * a database answer or for backpressure) and {@link #resume()} it later; bytes already fed wait in the parser.
 *
 * <p>Numbers are copied as their source text, so no precision is lost on the way to the callback URL.
 */
public final class ImportBodyParser implements BodyParser {

    /** Receives the parts of the body in the order they appear. */
    public interface Listener {
        void template(String code);

        void uploadId(String uploadId);

        void authHeaderValue(String value);

        /** The compact JSON of {@code extra}, when present and not null. */
        void extra(byte[] json);

        /** One record, compact JSON; {@code bytes} is reused after the call returns. */
        void record(byte[] bytes, int length, long index);

        /** The body is complete and well-formed. */
        void end();
    }

    private enum State {
        ROOT_START,
        ROOT,
        FIELD_VALUE,
        RECORDS,
        RECORD,
        EXTRA,
        DONE
    }

    private final JsonParser parser;
    private final ByteArrayFeeder feeder;
    private final RecordJson.Output out = new RecordJson.Output(4096);
    private final JsonGenerator gen;
    private final Listener listener;
    private final int maxDepth;
    private final int maxValueBytes;

    private State state = State.ROOT_START;
    private String field;
    private int depth;
    /** The field an error is reported on, built only when there is one. */
    private final Supplier<String> copyFieldOnError = this::copyField;

    private long recordIndex;
    private boolean suspended;
    private boolean running;
    private boolean seenRecords;

    public ImportBodyParser(Listener listener, int maxDepth, int maxValueBytes) {
        this.listener = listener;
        this.maxDepth = maxDepth;
        this.maxValueBytes = maxValueBytes;
        this.parser = RecordJson.nonBlockingParser();
        this.gen = RecordJson.generator(out);
        this.feeder = (ByteArrayFeeder) parser.getNonBlockingInputFeeder();
    }

    /** True when the parser has consumed what it was fed and can take more bytes. */
    public boolean needsInput() {
        return feeder.needMoreInput();
    }

    public void feed(byte[] bytes) {
        try {
            feeder.feedInput(bytes, 0, bytes.length);
        } catch (IOException e) {
            throw malformed(e);
        }
        run();
    }

    public void endOfInput() {
        feeder.endOfInput();
        run();
    }

    public void suspend() {
        suspended = true;
    }

    public void resume() {
        suspended = false;
        run();
    }

    public boolean suspended() {
        return suspended;
    }

    public boolean done() {
        return state == State.DONE;
    }

    /** Parses what it has until it needs more bytes, is suspended, or the body ends. */
    private void run() {
        if (running) {
            return; // resume() from inside a listener call: the running loop goes on by itself
        }
        running = true;
        try {
            while (!suspended) {
                JsonToken token = parser.nextToken();
                if (token == JsonToken.NOT_AVAILABLE) {
                    return;
                }
                if (token == null) {
                    if (state != State.DONE) {
                        throw new InvalidRequest(400, "body", "the JSON body ends before it is complete");
                    }
                    listener.end();
                    return;
                }
                step(token);
            }
        } catch (JsonProcessingException e) {
            throw malformed(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            running = false;
        }
    }

    private void step(JsonToken token) throws IOException {
        switch (state) {
            case ROOT_START -> {
                if (token != JsonToken.START_OBJECT) {
                    throw new InvalidRequest(400, "body", "the body must be a JSON object");
                }
                state = State.ROOT;
            }
            case ROOT -> {
                if (token == JsonToken.END_OBJECT) {
                    state = State.DONE;
                } else {
                    field = parser.currentName();
                    state = State.FIELD_VALUE;
                }
            }
            case FIELD_VALUE -> fieldValue(token);
            case RECORDS -> {
                if (token == JsonToken.END_ARRAY) {
                    state = State.ROOT;
                } else if (token != JsonToken.START_OBJECT) {
                    throw new InvalidRequest(400, recordField(), "each record must be a JSON object");
                } else {
                    out.reset();
                    depth = 1;
                    gen.writeStartObject();
                    state = State.RECORD;
                }
            }
            case RECORD -> {
                copy(token);
                if (depth == 0) {
                    gen.flush();
                    listener.record(out.bytes(), out.size(), recordIndex++);
                    state = State.RECORDS;
                }
            }
            case EXTRA -> {
                copy(token);
                if (depth == 0) {
                    gen.flush();
                    listener.extra(Arrays.copyOf(out.bytes(), out.size()));
                    state = State.ROOT;
                }
            }
            case DONE -> throw new InvalidRequest(400, "body", "unexpected data after the JSON object");
        }
    }

    private void fieldValue(JsonToken token) throws IOException {
        state = State.ROOT;
        switch (field) {
            case "template" -> listener.template(string(token, true));
            case "uploadId" -> {
                String v = string(token, false);
                if (v != null) {
                    listener.uploadId(v);
                }
            }
            case "authHeaderValue" -> {
                String v = string(token, false);
                if (v != null) {
                    listener.authHeaderValue(v);
                }
            }
            case "records" -> {
                if (token != JsonToken.START_ARRAY) {
                    throw new InvalidRequest(400, "records", "must be a JSON array of objects");
                }
                seenRecords = true;
                state = State.RECORDS;
            }
            case "extra" -> {
                if (token == JsonToken.VALUE_NULL) {
                    return;
                }
                out.reset();
                depth = 0;
                copy(token);
                if (depth == 0) {
                    gen.flush();
                    listener.extra(Arrays.copyOf(out.bytes(), out.size()));
                } else {
                    state = State.EXTRA;
                }
            }
            default ->
                throw new InvalidRequest(
                        400,
                        field,
                        "unknown field; an import has template, records, extra, authHeaderValue and uploadId");
        }
    }

    public boolean seenRecords() {
        return seenRecords;
    }

    private String string(JsonToken token, boolean required) throws IOException {
        if (token == JsonToken.VALUE_STRING) {
            return parser.getText();
        }
        if (token == JsonToken.VALUE_NULL && !required) {
            return null;
        }
        throw new InvalidRequest(400, field, "must be a string");
    }

    private String recordField() {
        return "records[" + recordIndex + "]";
    }

    /** The field an error in the value being copied is reported on; built only when there is an error. */
    private String copyField() {
        return state == State.EXTRA || (state == State.ROOT && "extra".equals(field)) ? "extra" : recordField();
    }

    /** Writes one token to the generator, keeping depth, and enforces the depth and size limits. */
    private void copy(JsonToken token) throws IOException {
        depth += RecordJson.copy(token, parser, gen, copyFieldOnError);
        if (depth > maxDepth) {
            throw new InvalidRequest(400, copyField(), "nested deeper than " + maxDepth + " levels");
        }
        if (out.size() + gen.getOutputBuffered() > maxValueBytes) {
            throw new InvalidRequest(400, copyField(), "larger than " + maxValueBytes + " bytes");
        }
    }

    /** Jackson's message without any echo of the input (it may hold a secret): what is wrong and where. */
    private InvalidRequest malformed(IOException e) {
        String where = state == State.RECORD || state == State.RECORDS
                ? recordField()
                : state == State.EXTRA ? "extra" : state == State.FIELD_VALUE ? field : "body";
        String message =
                RecordJson.clean(e instanceof JsonProcessingException jpe ? jpe.getOriginalMessage() : e.getMessage());
        long offset = parser.currentLocation().getByteOffset();
        return new InvalidRequest(
                400, where == null ? "body" : where, "invalid JSON near byte " + offset + ": " + message);
    }

    /** A ByteArrayOutputStream whose array can be read without a copy. */
}
