package io.hookline.ingest;

import java.util.Locale;

/** The body formats {@code POST /v1/imports} takes, told apart by the request's Content-Type. */
enum BodyFormat {
    JSON,
    CSV,
    NDJSON;

    static final String SUPPORTED = "application/json, text/csv or application/x-ndjson";

    /** The format of this Content-Type, or null when it is none of them (or CSV/NDJSON in a charset other than UTF-8). */
    static BodyFormat of(String contentType) {
        if (contentType == null) {
            return null;
        }
        String[] parts = contentType.split(";");
        String type = parts[0].trim().toLowerCase(Locale.ROOT);
        if (type.equals("application/json") || (type.startsWith("application/") && type.endsWith("+json"))) {
            return JSON;
        }
        BodyFormat format = switch (type) {
            case "text/csv" -> CSV;
            case "application/x-ndjson", "application/ndjson", "application/jsonl" -> NDJSON;
            default -> null;
        };
        for (int i = 1; i < parts.length && format != null; i++) {
            String[] param = parts[i].trim().split("=", 2);
            if (param[0].trim().equalsIgnoreCase("charset")
                    && param.length == 2
                    && !param[1].trim().replace("\"", "").equalsIgnoreCase("utf-8")) {
                return null;
            }
        }
        return format;
    }
}
