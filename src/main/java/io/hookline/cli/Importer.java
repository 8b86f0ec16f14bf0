package io.hookline.cli;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One import from a file: streams the body to {@code POST /v1/imports} with the progress of the bytes sent, then
 * (unless told not to wait) follows the import until it ends, and sums it up; on failure, with the first failed pages
 * and their errors. Answers the exit code.
 */
final class Importer {

    private static final Set<String> UNFINISHED = Set.of("QUEUED", "SENDING");
    private static final int FAILURES_SHOWN = 5;

    private final ApiClient api;
    private final Progress progress;

    Importer(ApiClient api, Progress progress) {
        this.api = api;
        this.progress = progress;
    }

    /** The final view of the import (or the accepted one, without waiting); null answers come as CliExceptions. */
    record Outcome(int exitCode, JsonObject view) {}

    Outcome run(ImportBody body, boolean wait) {
        JsonObject accepted = upload(body);
        String uploadId = accepted.getString("uploadId");
        if (!wait) {
            return new Outcome(HooklineCommand.DONE, accepted);
        }
        JsonObject view = follow(uploadId);
        return new Outcome(summary(view), view);
    }

    private JsonObject upload(ImportBody body) {
        AsyncFile file = api.await(api.vertx()
                .fileSystem()
                .open(
                        body.file().toString(),
                        new OpenOptions().setRead(true).setWrite(false).setCreate(false)));
        file.setReadPos(body.fileOffset()).setReadBufferSize(64 * 1024);
        FileBody stream = new FileBody(body.prefix(), file, body.suffix());
        HttpRequest<Buffer> request = api.request(HttpMethod.POST, "/v1/imports")
                .putHeader("Content-Type", body.contentType())
                .putHeader("Content-Length", Long.toString(body.length()));
        body.query().forEach(request::addQueryParam);
        body.headers().forEach(request::putHeader);

        progress.line("importing " + body.file() + " (" + Progress.bytes(body.length()) + ") to " + api.base());
        progress.startPhase();
        Future<HttpResponse<Buffer>> answer = request.sendStream(stream);
        HttpResponse<Buffer> response = null;
        while (response == null) {
            progress.sending(stream.sent(), body.length());
            try {
                response = answer.toCompletionStage()
                        .toCompletableFuture()
                        .get(progress.interval(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException stillSending) {
                // draw the progress again and go on waiting
            } catch (ExecutionException e) {
                progress.endBar();
                throw api.unreachable(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw CliException.error("interrupted");
            }
        }
        if (response.statusCode() == 202 || response.statusCode() == 200) {
            progress.sending(body.length(), body.length());
        }
        progress.endBar();
        JsonObject view = ApiClient.json(response);
        progress.line(String.format(
                "%s %s: upload id %s, %d records in %d pages (sent in %s)",
                response.statusCode() == 202 ? "accepted" : "already imported (the same body):",
                view.getString("template"),
                view.getString("uploadId"),
                view.getLong("totalRecords"),
                view.getInteger("totalPages"),
                Progress.duration(progress.elapsed())));
        return view;
    }

    private JsonObject follow(String uploadId) {
        progress.startPhase();
        while (true) {
            JsonObject view = api.get("/v1/imports/" + uploadId);
            progress.delivering(view);
            if (!UNFINISHED.contains(view.getString("status"))) {
                progress.endBar();
                return view;
            }
            try {
                Thread.sleep(
                        progress.terminal()
                                ? Progress.TERMINAL_EVERY_MS * 2
                                : progress.interval()); // the poll interval
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw CliException.error("interrupted");
            }
        }
    }

    private int summary(JsonObject view) {
        String status = view.getString("status");
        JsonObject chunks = view.getJsonObject("chunks", new JsonObject());
        long pages = view.getInteger("totalPages");
        String uploadId = view.getString("uploadId");
        if ("COMPLETED".equals(status)) {
            progress.line(String.format(
                    "COMPLETED: %d records in %d pages, every page delivered (upload id %s, %s)",
                    view.getLong("totalRecords"), pages, uploadId, Progress.duration(progress.elapsed())));
            return HooklineCommand.DONE;
        }
        progress.line(String.format(
                "%s: %d of %d pages delivered, %d undelivered (upload id %s)",
                status, chunks.getLong("delivered", 0L), pages, chunks.getLong("undelivered", 0L), uploadId));
        JsonArray failed = api.get("/v1/imports/" + uploadId + "/chunks?status=UNDELIVERED&limit=" + FAILURES_SHOWN)
                .getJsonArray("items", new JsonArray());
        if (!failed.isEmpty()) {
            progress.line("first failed pages:");
            for (Object o : failed) {
                JsonObject chunk = (JsonObject) o;
                progress.line(String.format(
                        "  page %d (%s), %s, the last: %s",
                        chunk.getInteger("page"),
                        count(chunk.getInteger("records"), "record"),
                        count(chunk.getInteger("attempts"), "attempt"),
                        outcome(chunk.getInteger("lastStatusCode"), chunk.getString("lastError"))));
            }
        }
        JsonArray attempts = api.get("/v1/imports/" + uploadId + "/attempts?failed=true&limit=" + FAILURES_SHOWN)
                .getJsonArray("items", new JsonArray());
        if (!attempts.isEmpty()) {
            progress.line("first failed attempts:");
            for (Object o : attempts) {
                JsonObject attempt = (JsonObject) o;
                String excerpt = attempt.getString("responseExcerpt");
                progress.line(String.format(
                        "  page %d, attempt %d: %s%s",
                        attempt.getInteger("page"),
                        attempt.getInteger("attempt"),
                        outcome(attempt.getInteger("statusCode"), attempt.getString("error")),
                        excerpt == null || excerpt.isBlank() ? "" : ": " + oneLine(excerpt)));
            }
        }
        progress.line("after fixing the receiver, send them again: curl -X POST " + api.base() + "/v1/imports/"
                + uploadId + "/redeliver");
        return HooklineCommand.NOT_ALL_DELIVERED;
    }

    private static String count(int n, String what) {
        return n + " " + what + (n == 1 ? "" : "s");
    }

    private static String outcome(Integer statusCode, String error) {
        if (statusCode != null) {
            return "HTTP " + statusCode + (error == null ? "" : " (" + error + ")");
        }
        return error == null ? "no answer" : error;
    }

    private static String oneLine(String text) {
        String line = text.replaceAll("\\s+", " ").trim();
        return line.length() > 200 ? line.substring(0, 200) + "…" : line;
    }
}
