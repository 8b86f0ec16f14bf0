package io.hookline.bench.result;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The one JSON document of a run (bench/report.py turns it into Markdown and SVG): the run, the machine, the git
 * commit, and one object per scenario. Written again after every scenario, so a run that is cut short keeps what
 * it measured.
 */
public final class ResultFile {

    private final Path file;
    private final JsonObject document;
    private final JsonObject scenarios = new JsonObject();

    public ResultFile(Path file, JsonObject document) {
        this.file = file;
        this.document = document.put("scenarios", scenarios);
    }

    public JsonObject document() {
        return document;
    }

    public JsonObject scenarios() {
        return scenarios;
    }

    public void put(String scenario, JsonObject result) throws IOException {
        scenarios.put(scenario, result);
        write();
    }

    public void write() throws IOException {
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, document.encodePrettily());
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
