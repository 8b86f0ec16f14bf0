package io.hookline.format;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A destination's {@code recordFormat}, applied to each record as the pages are cut at ingest: the record (compact
 * JSON, as the import parsers hand it on) is read once for the top-level keys the format names, and the format is
 * written with their values. Values are copied as their JSON text, so numbers keep their source text. A key the
 * record lacks, or holds null, is {@code null} in an exact placeholder and nothing inside a longer string. One instance
 * per upload: it reuses its buffers from record to record.
 */
public final class RecordFormat {

    private static final JsonFactory FACTORY = new JsonFactory();

    private final FormatTemplate template;
    private final Map<String, Integer> slots = new HashMap<>();
    private final int[] start;
    private final int[] end;
    private final int maxBytes;
    private final Output out = new Output();

    /** {@code maxBytes}: the most a reshaped record may take (a format can repeat a large value). */
    public RecordFormat(JsonObject format, int maxBytes) {
        this.template = FormatTemplate.compile(format);
        List<String> names = template.names();
        for (int i = 0; i < names.size(); i++) {
            slots.put(names.get(i), i);
        }
        this.start = new int[names.size()];
        this.end = new int[names.size()];
        this.maxBytes = maxBytes;
    }

    /** The reshaped record; the array is reused by the next call, its first {@link #length()} bytes are the record. */
    public byte[] apply(byte[] record, int length) {
        Arrays.fill(start, -1);
        locate(record, length);
        out.reset();
        for (FormatTemplate.Part p : template.parts()) {
            if (p.literal() != null) {
                out.write(p.literal(), 0, p.literal().length);
            } else if (start[p.slot()] < 0) {
                if (p.exact()) {
                    out.write(NULL, 0, 4);
                }
            } else if (p.exact()) {
                out.write(record, start[p.slot()], end[p.slot()] - start[p.slot()]);
            } else {
                FormatTemplate.writeText(record, start[p.slot()], end[p.slot()], out);
            }
            if (out.size() > maxBytes) {
                throw new TooLargeException(maxBytes);
            }
        }
        return out.bytes();
    }

    public int length() {
        return out.size();
    }

    private static final byte[] NULL = {'n', 'u', 'l', 'l'};

    /** Finds where the value of each named top-level key starts and ends in the record. */
    private void locate(byte[] record, int length) {
        try (JsonParser p = FACTORY.createParser(record, 0, length)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                Integer slot = slots.get(p.currentName());
                JsonToken value = p.nextToken();
                if (slot == null) {
                    p.skipChildren();
                    continue;
                }
                start[slot] = (int) p.currentTokenLocation().getByteOffset();
                if (value.isStructStart()) {
                    p.skipChildren();
                } else {
                    p.finishToken();
                }
                end[slot] = (int) p.currentLocation().getByteOffset();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("a record is not the JSON object the parser made of it", e);
        }
    }

    /** A reshaped record would be larger than allowed. */
    public static final class TooLargeException extends RuntimeException {
        TooLargeException(int limit) {
            super(
                    "reshaped by the destination's recordFormat, a record would be larger than " + limit + " bytes",
                    null,
                    false,
                    false);
        }
    }

    private static final class Output extends ByteArrayOutputStream implements FormatTemplate.Sink {
        Output() {
            super(1024);
        }

        byte[] bytes() {
            return buf;
        }

        @Override
        public void writeByte(byte b) {
            write(b);
        }
    }
}
