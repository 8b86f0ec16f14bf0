package io.hookline.bench.scenario;

import io.hookline.bench.data.ImportFiles;
import io.hookline.bench.process.Psql;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The ceiling of ingest: {@code psql \copy} of the same records, page by page, into a table shaped like
 * chunk_bodies (import_id, page, template, data as text, primary key (import_id, page)); best of two. Measured once
 * per size and run, and shared by the scenarios that compare with it.
 */
final class CopyCeiling {

    static final int CHUNK_SIZE = 100;
    private static final String TABLE = "(import_id bigint NOT NULL, page integer NOT NULL, template text NOT NULL, "
            + "data text NOT NULL, PRIMARY KEY (import_id, page))";

    /** One measurement: clients copies of {@code bytes} each took {@code seconds} together. */
    record Result(int records, long bytes, int clients, double seconds) {
        double megabytesPerSecond() {
            return clients * bytes / 1e6 / seconds;
        }

        String what() {
            return (clients == 1 ? "psql \\copy" : clients + " parallel psql \\copy (a table each)")
                    + " of the same records, one text row per page of " + CHUNK_SIZE
                    + " (table shaped like chunk_bodies, "
                    + "with its primary key), " + bytes + " bytes" + (clients == 1 ? "" : " each") + ", best of 2";
        }
    }

    private final Psql psql;
    private final ImportFiles files;
    private final Map<String, Result> measured = new HashMap<>();

    CopyCeiling(Psql psql, ImportFiles files) {
        this.psql = psql;
        this.files = files;
    }

    /** {@code clients} psql processes at once, each copying the same n records into a table of its own. */
    Result measure(int records, int clients) throws Exception {
        String key = records + "x" + clients;
        Result known = measured.get(key);
        if (known != null) {
            return known;
        }
        Path copy = files.copy("ingest", records, CHUNK_SIZE);
        List<String> tables = new ArrayList<>();
        StringBuilder create = new StringBuilder();
        for (int i = 1; i <= clients; i++) {
            tables.add("bench_copy_" + i);
            create.append("DROP TABLE IF EXISTS bench_copy_")
                    .append(i)
                    .append("; CREATE TABLE bench_copy_")
                    .append(i)
                    .append(' ')
                    .append(TABLE)
                    .append(';');
        }
        psql.run(create.toString());
        double best = Double.MAX_VALUE;
        for (int round = 0; round < 2; round++) {
            psql.run("TRUNCATE " + String.join(", ", tables));
            best = Math.min(best, psql.copyAtOnce(tables, copy));
        }
        psql.run("DROP TABLE " + String.join(", ", tables));
        Result r = new Result(records, Files.size(copy), clients, best);
        measured.put(key, r);
        return r;
    }
}
