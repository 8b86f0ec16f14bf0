package io.hookline.bench.data;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Input files, written once per size into the work folder and kept (a ".ok" marker says a file is complete): import
 * bodies as JSON and as CSV, and the same records as COPY text for the psql ceiling. Also the single bodies that the
 * scenarios post or replay from memory.
 */
public final class ImportFiles {

    private final Path dir;

    public ImportFiles(Path dir) {
        this.dir = dir;
    }

    /** {"template": t, "records": [n records]}. */
    public Path json(String template, int n) throws IOException {
        Path file = dir.resolve("import-" + template + "-" + n + ".json");
        return written(file, os -> {
            StringBuilder sb = new StringBuilder(1 << 16);
            sb.append("{\"template\":\"").append(template).append("\",\"records\":[");
            for (int i = 0; i < n; i++) {
                if (i > 0) {
                    sb.append(',');
                }
                Records.json(sb, i);
                flushIfLarge(os, sb);
            }
            sb.append("]}");
            os.write(sb.toString().getBytes(StandardCharsets.UTF_8));
        });
    }

    /** A header row of {@link Records#KEYS}, then n records as CSV rows. */
    public Path csv(int n) throws IOException {
        Path file = dir.resolve("import-" + n + ".csv");
        return written(file, os -> {
            StringBuilder sb = new StringBuilder(1 << 16);
            sb.append(String.join(",", Records.KEYS)).append("\r\n");
            for (int i = 0; i < n; i++) {
                Records.csv(sb, i);
                flushIfLarge(os, sb);
            }
            os.write(sb.toString().getBytes(StandardCharsets.UTF_8));
        });
    }

    /** The same records as COPY text rows (import_id, page, template, data = the page's JSON array). */
    public Path copy(String template, int n, int chunkSize) throws IOException {
        Path file = dir.resolve("copy-" + template + "-" + n + "-" + chunkSize + ".tsv");
        return written(file, os -> {
            StringBuilder sb = new StringBuilder(1 << 16);
            for (int page = 0; page * chunkSize < n; page++) {
                sb.append("1\t").append(page + 1).append('\t').append(template).append("\t[");
                for (int i = page * chunkSize; i < Math.min(n, (page + 1) * chunkSize); i++) {
                    if (i > page * chunkSize) {
                        sb.append(',');
                    }
                    Records.json(sb, i);
                }
                sb.append("]\n");
                flushIfLarge(os, sb);
            }
            os.write(sb.toString().getBytes(StandardCharsets.UTF_8));
        });
    }

    /** An import body in memory: {"template", "uploadId", "records": [records from index first]}. */
    public static String importJson(String template, String uploadId, int records, int first) {
        StringBuilder sb = new StringBuilder(records * (Records.RECORD_BYTES + 1) + 100);
        sb.append("{\"template\":\"")
                .append(template)
                .append("\",\"uploadId\":\"")
                .append(uploadId)
                .append("\",\"records\":[");
        for (int i = 0; i < records; i++) {
            if (i > 0) {
                sb.append(',');
            }
            Records.json(sb, first + i);
        }
        return sb.append("]}").toString();
    }

    /** Page {@code page} of an import as Hookline sends it (the webhook body's keys, in order). */
    public static String chunkBody(String template, String uploadId, int totalRecords, int chunkSize, int page) {
        int from = (page - 1) * chunkSize;
        int to = Math.min(totalRecords, from + chunkSize);
        StringBuilder sb = new StringBuilder((to - from) * (Records.RECORD_BYTES + 1) + 200);
        sb.append("{\"template\":\"")
                .append(template)
                .append("\",\"uploadId\":\"")
                .append(uploadId)
                .append("\",\"data\":[");
        for (int i = from; i < to; i++) {
            if (i > from) {
                sb.append(',');
            }
            Records.json(sb, i);
        }
        sb.append("],\"totalRecords\":")
                .append(totalRecords)
                .append(",\"totalPages\":")
                .append((totalRecords + chunkSize - 1) / chunkSize)
                .append(",\"page\":")
                .append(page)
                .append(",\"pageSize\":")
                .append(to - from)
                .append(",\"extra\":null}");
        return sb.toString();
    }

    private interface Writer {
        void write(OutputStream os) throws IOException;
    }

    private static Path written(Path file, Writer writer) throws IOException {
        Path ok = Path.of(file + ".ok");
        if (Files.exists(file) && Files.exists(ok)) {
            return file;
        }
        Files.createDirectories(file.getParent());
        try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
            writer.write(os);
        }
        Files.writeString(ok, "");
        return file;
    }

    private static void flushIfLarge(OutputStream os, StringBuilder sb) throws IOException {
        if (sb.length() > 60_000) {
            os.write(sb.toString().getBytes(StandardCharsets.UTF_8));
            sb.setLength(0);
        }
    }
}
