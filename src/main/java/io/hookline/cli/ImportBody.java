package io.hookline.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * How a file goes to {@code POST /v1/imports}: its Content-Type, the fields that go in the query string and headers
 * (CSV, NDJSON), or the JSON written around it (a JSON array of records becomes the {@code records} of an import
 * object; a whole import object gets the fields it lacks written in front of its own). Only the first bytes of a
 * {@code .json} file are read here, to tell an array from an object.
 */
record ImportBody(
        Path file,
        String contentType,
        Map<String, String> query,
        Map<String, String> headers,
        Buffer prefix,
        long fileOffset,
        Buffer suffix,
        long length) {

    private static final int HEAD_BYTES = 64 * 1024;

    /** The command line's import fields; null when not given. */
    record Fields(String template, String uploadId, String authValue, String extraJson) {}

    static ImportBody of(Path file, Fields fields) {
        long size;
        try {
            size = Files.size(file);
        } catch (NoSuchFileException e) {
            throw CliException.error("no such file: " + file);
        } catch (IOException e) {
            throw CliException.error("cannot read " + file + ": " + e.getMessage());
        }
        if (!Files.isReadable(file) || Files.isDirectory(file)) {
            throw CliException.error("cannot read " + file);
        }
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".csv")) {
            return flat(file, "text/csv", fields, size);
        }
        if (name.endsWith(".ndjson") || name.endsWith(".jsonl")) {
            return flat(file, "application/x-ndjson", fields, size);
        }
        if (name.endsWith(".json")) {
            return json(file, fields, size);
        }
        throw CliException.usage("cannot tell the format of " + file
                + ": name it .csv, .ndjson, .jsonl or .json (a JSON array of records or a whole import object)");
    }

    private static ImportBody flat(Path file, String contentType, Fields fields, long size) {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("template", fields.template());
        if (fields.uploadId() != null) {
            query.put("uploadId", fields.uploadId());
        }
        if (fields.extraJson() != null) {
            query.put("extra", fields.extraJson());
        }
        Map<String, String> headers =
                fields.authValue() == null ? Map.of() : Map.of("Hookline-Auth-Value", fields.authValue());
        return new ImportBody(file, contentType, query, headers, Buffer.buffer(), 0, Buffer.buffer(), size);
    }

    private static ImportBody json(Path file, Fields fields, long size) {
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(HEAD_BYTES);
        } catch (IOException e) {
            throw CliException.error("cannot read " + file + ": " + e.getMessage());
        }
        int first = nonBlank(head, 0);
        if (first < head.length && head[first] == '[') {
            Buffer prefix = Buffer.buffer("{" + fieldsJson(fields, Map.of()) + "\"records\":");
            return new ImportBody(
                    file,
                    "application/json",
                    Map.of(),
                    Map.of(),
                    prefix,
                    0,
                    Buffer.buffer("}"),
                    prefix.length() + size + 1);
        }
        if (first < head.length && head[first] == '{') {
            Map<String, String> own = fieldsBeforeRecords(head);
            String template = own.get("template");
            if (template != null && !template.equals(fields.template())) {
                throw CliException.usage(file + " is an import for the template \"" + template + "\", not \""
                        + fields.template() + "\"");
            }
            for (String[] option : new String[][] {
                {"uploadId", "--upload-id", fields.uploadId()},
                {"authHeaderValue", "--auth-value", fields.authValue()},
                {"extra", "--extra", fields.extraJson()}
            }) {
                if (option[2] != null && own.containsKey(option[0])) {
                    throw CliException.usage(file + " has its own " + option[0] + ": leave out " + option[1]);
                }
            }
            String added = fieldsJson(fields, own);
            if (added.isEmpty()) {
                return new ImportBody(
                        file, "application/json", Map.of(), Map.of(), Buffer.buffer(), 0, Buffer.buffer(), size);
            }
            // written in front of the object's own fields: "{" + added + the file after its "{"
            int next = nonBlank(head, first + 1);
            boolean empty = next < head.length && head[next] == '}';
            Buffer prefix = Buffer.buffer("{" + (empty ? added.substring(0, added.length() - 1) : added));
            return new ImportBody(
                    file,
                    "application/json",
                    Map.of(),
                    Map.of(),
                    prefix,
                    first + 1,
                    Buffer.buffer(),
                    prefix.length() + size - first - 1);
        }
        throw CliException.error(file + " is neither a JSON array of records nor a JSON import object");
    }

    /** The options as JSON fields, each followed by a comma, leaving out those the file has itself. */
    private static String fieldsJson(Fields fields, Map<String, String> own) {
        StringBuilder json = new StringBuilder();
        if (!own.containsKey("template")) {
            json.append("\"template\":").append(Json.encode(fields.template())).append(',');
        }
        if (fields.uploadId() != null) {
            json.append("\"uploadId\":").append(Json.encode(fields.uploadId())).append(',');
        }
        if (fields.authValue() != null) {
            json.append("\"authHeaderValue\":")
                    .append(Json.encode(fields.authValue()))
                    .append(',');
        }
        if (fields.extraJson() != null) {
            json.append("\"extra\":").append(fields.extraJson()).append(',');
        }
        return json.toString();
    }

    private static int nonBlank(byte[] bytes, int from) {
        int i = from;
        while (i < bytes.length && (bytes[i] == ' ' || bytes[i] == '\t' || bytes[i] == '\r' || bytes[i] == '\n')) {
            i++;
        }
        return i;
    }

    /**
     * The top-level fields of an import object that come before its records, as far as the first bytes of the file
     * show them (a string field's value; other values as their token).
     */
    private static Map<String, String> fieldsBeforeRecords(byte[] head) {
        Map<String, String> found = new HashMap<>();
        try (JsonParser parser = new JsonFactory().createParser(head)) {
            parser.nextToken();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                if (name.equals("records")) {
                    break;
                }
                JsonToken value = parser.nextToken();
                found.put(name, value == JsonToken.VALUE_STRING ? parser.getText() : value.asString());
                parser.skipChildren();
            }
        } catch (IOException headEndsMidValue) {
            // what the first bytes showed is all that is known
        }
        return found;
    }
}
