package io.hookline.ingest;

import io.hookline.chunk.PageBuilder;
import io.hookline.http.InvalidRequest;
import io.hookline.http.Problem;
import io.hookline.logging.LogContext;
import io.hookline.store.Destination;
import io.hookline.store.StoredImport;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code POST /v1/imports}: reads the body as it arrives, cuts records into pages as soon as the template's
 * chunk size is known, and hands pages to the chunker to stage a batch at a time, once they add up to
 * {@link #STAGE_BYTES} (a smaller import is written whole by the accepting transaction). While a batch is being
 * written the next one fills; when it is full, or the pages of all uploads waiting to be written are over
 * {@code ingest.maxPendingPageBytes} ({@link PageBudget}), the request is paused, so memory stays bounded whatever
 * the size and number of uploads. The answer (202, 200 for an identical re-post, or a problem) goes out only after
 * the chunker's commit.
 *
 * <p>An upload takes one of {@link UploadSlots} for its life (429 when there is none), and is answered 408 when its
 * body comes slower than {@code ingest.minBytesPerSecond} ({@link SlowBodyCheck}) or not within
 * {@code ingest.bodyTimeout}.
 *
 * <p>The bytes go to the parser through a {@link BodyFeed}, the pages to the chunker through a
 * {@link ChunkerSession}; this class follows the upload through its {@link Phase}s and answers it.
 */
public final class ImportUpload implements ImportBodyParser.Listener {

    /** Where an upload is; it only moves down the list, and to FINISHED from any of them. */
    private enum Phase {
        /** Fields and records arrive; records before {@code template} wait in the spool. */
        READING,
        /** {@code template} was read: parsing waits for its destination's lookup. */
        FINDING_DESTINATION,
        /** The destination is known: records are cut into pages and staged. */
        STREAMING,
        /** The whole body is parsed: the commit goes once no staging write is in flight. */
        PARSED,
        /** Answered, or given up: nothing more is done. */
        FINISHED
    }

    private static final Logger LOG = LoggerFactory.getLogger(ImportUpload.class);
    /** Bytes of finished pages that may wait while the previous batch is written, before the request is paused. */
    private static final int MAX_READY_BYTES = 4 << 20;
    /** Pages are staged once this much is ready; an import smaller than this is written by its commit alone. */
    private static final int STAGE_BYTES = 256 << 10;
    /** The window over which ingest.minBytesPerSecond is measured. */
    private static final int RATE_WINDOW_SECONDS = 10;

    private static final String RETRY_AFTER_SECONDS = "2";

    private final RoutingContext ctx;
    private final HttpServerRequest request;
    private final IngestSettings settings;
    private final Context context;
    private final MessageDigest sha256;
    private final BodyFeed feed;
    private final RecordPages pages = new RecordPages();
    private final UploadReply reply;
    private final String apiKey;
    private final ImportFields fields;
    private BodyParser parser;
    private Phase phase = Phase.READING;
    private boolean holdsSlot;
    private long startedAt;
    private long ticker = -1;
    private boolean waitingForBudget;

    private Destination destination;
    private ChunkerSession chunker;
    private long records;

    /** {@code apiKey}: which configured API key the request presented (by its position), null without keys. */
    public ImportUpload(RoutingContext ctx, IngestSettings settings, String apiKey) {
        this.ctx = ctx;
        this.request = ctx.request();
        this.settings = settings;
        this.fields = new ImportFields(request.getHeader("Idempotency-Key"));
        this.context = ctx.vertx().getOrCreateContext();
        this.apiKey = apiKey;
        try {
            this.sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        this.feed = new BodyFeed(
                request, sha256, new SlowBodyCheck(settings.limits().minBytesPerSecond(), RATE_WINDOW_SECONDS));
        this.reply = new UploadReply(ctx);
    }

    public void start() {
        BodyFormat format;
        try {
            format = ImportFields.checkHeaders(request, settings.limits().maxBodyBytes());
        } catch (InvalidRequest e) {
            fail(e.problem());
            return;
        }
        if (!openParser(format)) {
            return;
        }
        String refusal = settings.slots().tryTake(apiKey);
        if (refusal != null) {
            ctx.response().putHeader("Retry-After", RETRY_AFTER_SECONDS);
            fail(Problem.of(429, "too many uploads: at most " + refusal + "; try again after Retry-After seconds"));
            return;
        }
        holdsSlot = true;
        startedAt = System.nanoTime();
        ticker = ctx.vertx().setPeriodic(1000, id -> guarded(this::tick));
        request.handler(this::onData);
        request.endHandler(v -> {
            feed.ended();
            guarded(this::pump);
        });
        request.exceptionHandler(err -> {
            if (!finished()) {
                LOG.debug("upload connection failed: {}", err.toString());
                abort();
            }
        });
        request.resume();
    }

    /**
     * The parser of this body's format. A CSV or NDJSON import's other fields come from the query string and a header:
     * they are checked and digested (for the same-body check of a re-post) before the body, and the template's lookup
     * starts at once. Answers false when they were refused.
     */
    private boolean openParser(BodyFormat format) {
        int maxRecordBytes = settings.limits().maxRecordBytes();
        if (format == BodyFormat.JSON) {
            parser = new ImportBodyParser(this, settings.limits().maxDepth(), maxRecordBytes);
            return true;
        }
        try {
            ImportQuery query = ImportQuery.read(request, format, settings.limits());
            query.digest(format, sha256);
            parser = format == BodyFormat.CSV
                    ? new CsvBodyParser(this, query.delimiter(), maxRecordBytes)
                    : new NdjsonBodyParser(this, settings.limits().maxDepth(), maxRecordBytes);
            query.report(this);
            return true;
        } catch (InvalidRequest e) {
            fail(e.problem());
            return false;
        }
    }

    private boolean finished() {
        return phase == Phase.FINISHED;
    }

    // ---- body bytes → parser, with backpressure ----

    private void onData(Buffer chunk) {
        if (finished()) {
            return;
        }
        if (feed.received(chunk) > settings.limits().maxBodyBytes()) {
            fail(ImportFields.tooLarge(settings.limits().maxBodyBytes()).problem());
            return;
        }
        guarded(this::pump);
    }

    private void pump() {
        feed.pump(parser, this::finished);
    }

    /** Once a second while the body arrives: the body timeout, the rate check, and the budget's rule. */
    private void tick() {
        if (feed.hasEnded()) {
            ctx.vertx().cancelTimer(ticker);
            ticker = -1;
            return;
        }
        long limits = settings.limits().bodyTimeoutMs();
        if (System.nanoTime() - startedAt > limits * 1_000_000) {
            fail(Problem.of(
                    408, "body", "did not arrive within " + Duration.ofMillis(limits) + " (ingest.bodyTimeout)"));
            return;
        }
        if (feed.tooSlow()) {
            fail(Problem.of(
                    408,
                    "body",
                    "arrived slower than " + settings.limits().minBytesPerSecond() + " bytes per second over "
                            + RATE_WINDOW_SECONDS + " s (ingest.minBytesPerSecond)"));
            return;
        }
        // Pages held below STAGE_BYTES by an upload whose client went quiet would keep the budget over for everyone:
        // while it is over, they are written whatever their size.
        if (chunker != null
                && !chunker.writing()
                && chunker.hasReady()
                && settings.budget().over()) {
            writeReadyPages();
        }
    }

    /** Parses on when nothing holds it back: the destination lookup, a full batch, or the page budget. */
    private void maybeResume() {
        if ((phase != Phase.READING && phase != Phase.STREAMING) || waitingForBudget || !parser.suspended()) {
            return;
        }
        if (chunker != null && chunker.writing() && chunker.readyBytes() >= MAX_READY_BYTES) {
            return;
        }
        if (settings.budget().over()) {
            waitForBudget();
            return;
        }
        resumeParsing();
    }

    /** Stops parsing until the pages of all uploads are under the budget; what this upload holds is written first. */
    private void waitForBudget() {
        parser.suspend();
        if (chunker != null && !chunker.writing() && chunker.hasReady()) {
            writeReadyPages();
        }
        if (waitingForBudget) {
            return;
        }
        waitingForBudget = true;
        settings.budget()
                .whenUnder(() -> context.runOnContext(v -> {
                    waitingForBudget = false;
                    guarded(this::maybeResume);
                }));
    }

    private void resumeParsing() {
        guarded(() -> {
            parser.resume();
            pump();
        });
    }

    private void guarded(Runnable step) {
        if (finished()) {
            return;
        }
        try {
            step.run();
        } catch (InvalidRequest e) {
            fail(e.problem());
        } catch (PageBuilder.PageTooLargeException e) {
            reject(400, "records", e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("upload failed", e);
            fail(Problem.of(500, "the upload could not be processed"));
        }
    }

    // ---- parser events ----

    @Override
    public void template(String code) {
        fields.template(code);
        chunker = new ChunkerSession(ctx.vertx().eventBus(), settings.budget(), code);
        phase = Phase.FINDING_DESTINATION;
        parser.suspend();
        settings.destinations().find(code).onComplete(ar -> {
            if (finished()) {
                return;
            }
            if (ar.failed()) {
                LOG.warn("destination lookup failed: {}", ar.cause().toString());
                fail(Problem.databaseUnavailable());
                return;
            }
            if (ar.result() == null) {
                reject(404, "template", "no destination is configured for this template");
                return;
            }
            destination = ar.result();
            pages.start(destination, settings.maxChunkBytes());
            phase = Phase.STREAMING;
            guarded(this::drainSpool);
            guarded(this::maybeResume);
        });
    }

    @Override
    public void uploadId(String id) {
        fields.uploadId(id);
    }

    @Override
    public void authHeaderValue(String value) {
        fields.authHeaderValue(value);
    }

    @Override
    public void extra(byte[] json) {
        fields.extra(json);
    }

    @Override
    public void record(byte[] bytes, int length, long index) {
        records++;
        if (records > settings.limits().maxRecords()) {
            throw new InvalidRequest(
                    413, "records", "more than " + settings.limits().maxRecords() + " records (ingest.maxRecords)");
        }
        if (!pages.started()) {
            pages.spool(bytes, length);
            return;
        }
        addToPage(bytes, length, index);
    }

    private void drainSpool() {
        List<byte[]> waiting = pages.takeSpool();
        long index = records - waiting.size();
        for (byte[] r : waiting) {
            addToPage(r, r.length, index++);
        }
    }

    private void addToPage(byte[] bytes, int length, long index) {
        Buffer page = pages.add(bytes, length, index);
        if (page == null) {
            return;
        }
        chunker.add(page);
        if (settings.budget().over()) {
            waitForBudget();
            return;
        }
        if (chunker.readyBytes() >= STAGE_BYTES) {
            writeReadyPages();
        }
        if (chunker.writing() && chunker.readyBytes() >= MAX_READY_BYTES) {
            parser.suspend();
        }
    }

    @Override
    public void end() {
        if (fields.template() == null) {
            throw new InvalidRequest(400, "template", "is required");
        }
        if (!parser.seenRecords()) {
            throw new InvalidRequest(400, "records", "is required (an empty array is allowed)");
        }
        phase = Phase.PARSED;
        Buffer last = pages.flush();
        if (last != null) {
            chunker.add(last);
        }
        commitWhenWritten();
    }

    // ---- chunker ----

    private void writeReadyPages() {
        if (chunker.writing() || !chunker.hasReady() || finished()) {
            return;
        }
        chunker.writeReady().onComplete(ar -> {
            if (finished()) {
                return;
            }
            if (ar.failed()) {
                storeFailed("writing pages", ar.cause());
                return;
            }
            if (phase == Phase.PARSED) {
                commitWhenWritten();
                return;
            }
            if (chunker.readyBytes() >= STAGE_BYTES
                    || (chunker.hasReady() && settings.budget().over())) {
                writeReadyPages();
            }
            guarded(this::maybeResume);
        });
    }

    /** Commits once no staging write is in flight; the pages still in memory go into the commit's transaction. */
    private void commitWhenWritten() {
        if (chunker.writing() || finished()) {
            return;
        }
        int totalPages = PageBuilder.pageCount(records, destination.chunkSize());
        byte[] digest = sha256.digest();
        chunker.commit(fields.newImport(destination, records, totalPages, digest, settings.secrets()))
                .onComplete(ar -> {
                    if (finished()) {
                        return;
                    }
                    if (ar.failed()) {
                        storeFailed("committing an upload", ar.cause());
                    } else if (ar.result() != null) {
                        accepted(ar.result());
                    } else {
                        answerDuplicate(digest);
                    }
                });
    }

    private void accepted(StoredImport stored) {
        phase = Phase.FINISHED;
        release();
        String id = stored.uploadId();
        try (LogContext ignored = LogContext.of(fields.template(), id, 0)) {
            LOG.info(
                    "import {} accepted: template {}, {} records in {} pages",
                    id,
                    fields.template(),
                    records,
                    stored.totalPages());
        }
        reply.accepted(stored);
    }

    /** The upload id (or idempotency key) is taken: the same body gets the stored import, another body a 409. */
    private void answerDuplicate(byte[] digest) {
        String uploadId = fields.uploadId();
        String idempotencyKey = fields.idempotencyKey();
        settings.imports()
                .findForIdempotency(uploadId, uploadId == null ? idempotencyKey : null)
                .compose(found -> found != null || uploadId == null || idempotencyKey == null
                        ? Future.succeededFuture(found)
                        : settings.imports().findForIdempotency(null, idempotencyKey))
                .onComplete(ar -> {
                    if (ar.failed()) {
                        fail(Problem.databaseUnavailable());
                    } else if (ar.result() == null) {
                        fail(Problem.of(409, "uploadId", "is being used by another upload right now"));
                    } else if (MessageDigest.isEqual(ar.result().bodySha256(), digest)) {
                        phase = Phase.FINISHED;
                        release();
                        reply.identical(ar.result());
                    } else {
                        String field = uploadId != null ? "uploadId" : "Idempotency-Key";
                        fail(Problem.of(409, field, "an import with this id exists with a different body"));
                    }
                });
    }

    // ---- endings ----

    private void storeFailed(String what, Throwable cause) {
        boolean unavailable = !(cause instanceof ReplyException re) || re.failureCode() != 500;
        if (unavailable) {
            LOG.warn("{} failed: the database is unavailable ({})", what, cause.getMessage());
            ctx.response().putHeader("Retry-After", "5");
            fail(Problem.databaseUnavailable());
        } else {
            LOG.error("{} failed: {}", what, cause.getMessage());
            fail(Problem.of(500, "the upload could not be stored"));
        }
    }

    private void reject(int status, String field, String message) {
        fail(new InvalidRequest(status, field, message).problem());
    }

    private void fail(Problem problem) {
        if (finished()) {
            return;
        }
        abort();
        reply.refuse(problem, feed::hasEnded);
    }

    private void abort() {
        phase = Phase.FINISHED;
        release();
        feed.clear();
        if (chunker != null) {
            chunker.abort();
        }
    }

    /** Once, when the upload is finished: its timer, its slot and the budget of the pages it still holds go back. */
    private void release() {
        if (ticker >= 0) {
            ctx.vertx().cancelTimer(ticker);
            ticker = -1;
        }
        if (holdsSlot) {
            holdsSlot = false;
            settings.slots().give(apiKey);
        }
        if (chunker != null) {
            chunker.release();
        }
    }
}
