package io.hookline.format;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A custom format (a JSON object with {@code {{name}}} placeholders) compiled once into the bytes around its
 * placeholders, so that filling it in is a walk of byte arrays: a string value that is exactly {@code "{{name}}"} is a
 * hole for a whole JSON value ({@link Part#exact}); {@code {{name}}} inside a longer string is a hole for that value's
 * text inside the string. Keys are kept as they are; objects and arrays are walked; anything else is copied.
 *
 * <p>The name between the braces is taken verbatim (no trimming, no paths): {@code {{a.b}}} is the value of the key
 * {@code "a.b"}, as in the importer whose formats these are.
 */
final class FormatTemplate {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{(.*?)}}", Pattern.DOTALL);

    /** Literal bytes, or a hole for the value of variable {@code slot}, whole ({@code exact}) or as text. */
    record Part(byte[] literal, int slot, boolean exact) {}

    private final List<Part> parts;
    private final List<String> names;

    private FormatTemplate(List<Part> parts, List<String> names) {
        this.parts = parts;
        this.names = names;
    }

    static FormatTemplate compile(JsonObject format) {
        Builder b = new Builder();
        b.value(format);
        b.flush();
        return new FormatTemplate(List.copyOf(b.parts), List.copyOf(b.slots.keySet()));
    }

    List<Part> parts() {
        return parts;
    }

    /** The variables named by the placeholders; a part's slot is an index into this list. */
    List<String> names() {
        return names;
    }

    private static final class Builder {
        final List<Part> parts = new ArrayList<>();
        final Map<String, Integer> slots = new LinkedHashMap<>();
        final ByteArrayOutputStream literal = new ByteArrayOutputStream();

        void value(Object v) {
            if (v instanceof JsonObject o) {
                write("{");
                boolean first = true;
                for (Map.Entry<String, Object> e : o) {
                    write(first ? "" : ",");
                    first = false;
                    write(Json.encode(e.getKey()));
                    write(":");
                    value(e.getValue());
                }
                write("}");
            } else if (v instanceof JsonArray a) {
                write("[");
                for (int i = 0; i < a.size(); i++) {
                    write(i == 0 ? "" : ",");
                    value(a.getValue(i));
                }
                write("]");
            } else if (v instanceof String s) {
                string(s);
            } else {
                write(Json.encode(v));
            }
        }

        void string(String s) {
            Matcher m = PLACEHOLDER.matcher(s);
            if (m.find() && m.start() == 0 && m.end() == s.length()) {
                hole(m.group(1), true);
                return;
            }
            m.reset();
            write("\"");
            int from = 0;
            while (m.find()) {
                write(inner(s.substring(from, m.start())));
                hole(m.group(1), false);
                from = m.end();
            }
            write(inner(s.substring(from)));
            write("\"");
        }

        /** The JSON escape of a piece of string, without its quotes. */
        static String inner(String piece) {
            String quoted = Json.encode(piece);
            return quoted.substring(1, quoted.length() - 1);
        }

        void hole(String name, boolean exact) {
            flush();
            int slot = slots.computeIfAbsent(name, n -> slots.size());
            parts.add(new Part(null, slot, exact));
        }

        void write(String s) {
            literal.writeBytes(s.getBytes(StandardCharsets.UTF_8));
        }

        void flush() {
            if (literal.size() > 0) {
                parts.add(new Part(literal.toByteArray(), -1, false));
                literal.reset();
            }
        }
    }

    /**
     * Writes a value's text into a JSON string: the characters of a string (whose JSON escapes are already valid inside
     * another string), the JSON text of anything else with its quotes and backslashes escaped; nothing for null.
     * {@code raw} is compact JSON, so it holds no other character that needs escaping.
     */
    static void writeText(byte[] raw, int from, int to, Sink out) {
        if (to - from == 4
                && raw[from] == 'n'
                && raw[from + 1] == 'u'
                && raw[from + 2] == 'l'
                && raw[from + 3] == 'l') {
            return;
        }
        if (raw[from] == '"') {
            out.write(raw, from + 1, to - from - 2);
            return;
        }
        int start = from;
        for (int i = from; i < to; i++) {
            byte c = raw[i];
            if (c == '"' || c == '\\') {
                out.write(raw, start, i - start);
                out.writeByte((byte) '\\');
                start = i;
            }
        }
        out.write(raw, start, to - start);
    }

    /** Where filled-in bytes go. */
    interface Sink {
        void write(byte[] bytes, int offset, int length);

        void writeByte(byte b);
    }
}
