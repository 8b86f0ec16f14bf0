package io.hookline.ingest;

import io.hookline.bus.Addresses;
import io.hookline.bus.LocalCodec;
import io.hookline.chunk.ChunkerCommand;
import io.hookline.chunk.ImportDraft;
import io.hookline.chunk.PageBuilder;
import io.hookline.format.RecordFormat;
import io.hookline.http.Problem;
import io.hookline.http.InvalidRequest;
import io.hookline.logging.LogContext;
import io.hookline.store.Destination;
import io.hookline.store.ImportRepository;
import io.hookline.store.StoredImport;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;
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
 */
public final class ImportUpload implements ImportBodyParser.Listener {

  private static final Logger LOG = LoggerFactory.getLogger(ImportUpload.class);
  private static final Pattern UPLOAD_ID = Pattern.compile("[A-Za-z0-9_-]{1,100}");
  private static final Pattern IDEMPOTENCY_KEY = Pattern.compile("[\\x21-\\x7e]{1,255}");
  private static final SecureRandom RANDOM = new SecureRandom();
  /** Bytes of finished pages that may wait while the previous batch is written, before the request is paused. */
  private static final int MAX_READY_BYTES = 4 << 20;
  /** Pages are staged once this much is ready; an import smaller than this is written by its commit alone. */
  private static final int STAGE_BYTES = 256 << 10;
  /** The window over which ingest.minBytesPerSecond is measured. */
  private static final int RATE_WINDOW_SECONDS = 10;
  private static final String RETRY_AFTER_SECONDS = "2";
  /** Records that arrive before "template" wait in memory up to this much; put "template" first to stream. */
  private static final int MAX_SPOOL_BYTES = 64 << 20;
  /** After a refusal, the most of the rest of the body that is read (and dropped) to keep the connection. */
  private static final int DRAIN_LIMIT = 1 << 20;
  private static final DeliveryOptions TO_CHUNKER = new DeliveryOptions(LocalCodec.LOCAL).setSendTimeout(120_000);

  private final RoutingContext ctx;
  private final HttpServerRequest request;
  private final IngestSettings settings;
  private final EventBus eventBus;
  private BodyParser parser;
  private final MessageDigest sha256;
  private final ArrayDeque<Buffer> input = new ArrayDeque<>();
  private final Context context;
  private final SlowBodyCheck pace;
  private final String apiKey;
  private boolean holdsSlot;
  private long startedAt;
  private long ticker = -1;
  private boolean waitingForBudget;

  private long bytesReceived;
  private boolean requestEnded;
  private boolean endFed;
  private boolean paused;
  private boolean finished;

  private String template;
  private Destination destination;
  private boolean awaitingDestination;
  private String uploadId;
  private String authValue;
  private byte[] extra;
  private final String idempotencyKey;

  private List<byte[]> spool = new ArrayList<>();
  private long spoolBytes;
  private long records;
  private PageBuilder pages;
  private RecordFormat recordFormat;
  private List<Buffer> ready = new ArrayList<>();
  private long readyBytes;
  private boolean writing;
  private boolean parsed;
  private ImportDraft draft;

  /** {@code apiKey}: which configured API key the request presented (by its position), null without keys. */
  public ImportUpload(RoutingContext ctx, IngestSettings settings, String apiKey) {
    this.ctx = ctx;
    this.request = ctx.request();
    this.settings = settings;
    this.eventBus = ctx.vertx().eventBus();
    this.idempotencyKey = request.getHeader("Idempotency-Key");
    this.context = ctx.vertx().getOrCreateContext();
    this.pace = new SlowBodyCheck(settings.limits().minBytesPerSecond(), RATE_WINDOW_SECONDS);
    this.apiKey = apiKey;
    try {
      this.sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public void start() {
    BodyFormat format = BodyFormat.of(request.getHeader("Content-Type"));
    if (format == null) {
      reject(415, "Content-Type", "must be " + BodyFormat.SUPPORTED + " (CSV and NDJSON in UTF-8)");
      return;
    }
    if (idempotencyKey != null && !IDEMPOTENCY_KEY.matcher(idempotencyKey).matches()) {
      reject(400, "Idempotency-Key", "must be 1 to 255 visible ASCII characters");
      return;
    }
    String length = request.getHeader("Content-Length");
    if (length != null) {
      try {
        if (Long.parseLong(length.trim()) > settings.limits().maxBodyBytes()) {
          reject(413, "body", "larger than " + settings.limits().maxBodyBytes() + " bytes (ingest.maxBodyBytes)");
          return;
        }
      } catch (NumberFormatException e) {
        reject(400, "Content-Length", "is not a number");
        return;
      }
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
      requestEnded = true;
      guarded(this::pump);
    });
    request.exceptionHandler(err -> {
      if (!finished) {
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
      parser = format == BodyFormat.CSV ? new CsvBodyParser(this, query.delimiter(), maxRecordBytes)
          : new NdjsonBodyParser(this, settings.limits().maxDepth(), maxRecordBytes);
      query.report(this);
      return true;
    } catch (InvalidRequest e) {
      fail(e.problem());
      return false;
    }
  }

  // ---- body bytes → parser, with backpressure ----

  private void onData(Buffer chunk) {
    if (finished) {
      return;
    }
    bytesReceived += chunk.length();
    pace.received(chunk.length());
    if (bytesReceived > settings.limits().maxBodyBytes()) {
      reject(413, "body", "larger than " + settings.limits().maxBodyBytes() + " bytes (ingest.maxBodyBytes)");
      return;
    }
    input.add(chunk);
    guarded(this::pump);
  }

  /** Feeds queued bytes while the parser takes them; pauses the request while it does not. */
  private void pump() {
    while (!finished && !parser.suspended() && parser.needsInput()) {
      Buffer next = input.poll();
      if (next == null) {
        if (requestEnded && !endFed) {
          endFed = true;
          parser.endOfInput();
        }
        break;
      }
      byte[] bytes = next.getBytes();
      sha256.update(bytes);
      parser.feed(bytes);
    }
    boolean shouldPause = !finished && !requestEnded && (parser.suspended() || input.size() > 4);
    if (shouldPause != paused) {
      paused = shouldPause;
      if (paused) {
        pace.paused();
        request.pause();
      } else {
        request.resume();
      }
    }
  }

  /** Once a second while the body arrives: the body timeout, the rate check, and the budget's rule. */
  private void tick() {
    if (requestEnded) {
      ctx.vertx().cancelTimer(ticker);
      ticker = -1;
      return;
    }
    long limits = settings.limits().bodyTimeoutMs();
    if (System.nanoTime() - startedAt > limits * 1_000_000) {
      fail(Problem.of(408, "body", "did not arrive within " + Duration.ofMillis(limits) + " (ingest.bodyTimeout)"));
      return;
    }
    if (pace.tick(paused)) {
      fail(Problem.of(408, "body", "arrived slower than " + settings.limits().minBytesPerSecond()
          + " bytes per second over " + RATE_WINDOW_SECONDS + " s (ingest.minBytesPerSecond)"));
      return;
    }
    // Pages held below STAGE_BYTES by an upload whose client went quiet would keep the budget over for everyone:
    // while it is over, they are written whatever their size.
    if (!writing && !ready.isEmpty() && settings.budget().over()) {
      writeReadyPages();
    }
  }

  /** Parses on when nothing holds it back: the destination lookup, a full batch, or the page budget. */
  private void maybeResume() {
    if (finished || parsed || awaitingDestination || waitingForBudget || !parser.suspended()) {
      return;
    }
    if (writing && readyBytes >= MAX_READY_BYTES) {
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
    if (!writing && !ready.isEmpty()) {
      writeReadyPages();
    }
    if (waitingForBudget) {
      return;
    }
    waitingForBudget = true;
    settings.budget().whenUnder(() -> context.runOnContext(v -> {
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
    if (finished) {
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
    if (!Destination.TEMPLATE_CODE.matcher(code).matches()) {
      throw new InvalidRequest(400, "template", "must be 1 to 100 of A-Z a-z 0-9 _ -");
    }
    template = code;
    awaitingDestination = true;
    parser.suspend();
    settings.destinations().find(code).onComplete(ar -> {
      if (finished) {
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
      pages = new PageBuilder(destination.chunkSize(), settings.maxChunkBytes());
      recordFormat = destination.recordFormat() == null ? null
          : new RecordFormat(destination.recordFormat(), settings.maxChunkBytes());
      awaitingDestination = false;
      guarded(this::drainSpool);
      guarded(this::maybeResume);
    });
  }

  @Override
  public void uploadId(String id) {
    if (!UPLOAD_ID.matcher(id).matches()) {
      throw new InvalidRequest(400, "uploadId", "must be 1 to 100 of A-Z a-z 0-9 _ -");
    }
    uploadId = id;
  }

  @Override
  public void authHeaderValue(String value) {
    if (value.length() > 8192) {
      throw new InvalidRequest(400, "authHeaderValue", "must be at most 8192 characters");
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if ((c < 0x20 && c != '\t') || c == 0x7f) {
        throw new InvalidRequest(400, "authHeaderValue", "must not contain control characters");
      }
    }
    authValue = value;
  }

  @Override
  public void extra(byte[] json) {
    extra = json;
  }

  @Override
  public void record(byte[] bytes, int length, long index) {
    records++;
    if (records > settings.limits().maxRecords()) {
      throw new InvalidRequest(413, "records",
          "more than " + settings.limits().maxRecords() + " records (ingest.maxRecords)");
    }
    if (destination == null) {
      spoolBytes += length;
      if (spoolBytes > MAX_SPOOL_BYTES) {
        throw new InvalidRequest(400, "template",
            "must come before records in the body when the records are larger than " + MAX_SPOOL_BYTES + " bytes");
      }
      spool.add(Arrays.copyOf(bytes, length));
      return;
    }
    addToPage(bytes, length, index);
  }

  private void drainSpool() {
    List<byte[]> waiting = spool;
    spool = new ArrayList<>();
    spoolBytes = 0;
    long index = records - waiting.size();
    for (byte[] r : waiting) {
      addToPage(r, r.length, index++);
    }
  }

  private void addToPage(byte[] bytes, int length, long index) {
    Buffer page;
    if (recordFormat == null) {
      page = pages.add(bytes, 0, length);
    } else {
      byte[] reshaped;
      try {
        reshaped = recordFormat.apply(bytes, length);
      } catch (RecordFormat.TooLargeException e) {
        throw new InvalidRequest(400, "records[" + index + "]", e.getMessage());
      }
      page = pages.add(reshaped, 0, recordFormat.length());
    }
    if (page == null) {
      return;
    }
    ready.add(page);
    readyBytes += page.length();
    settings.budget().take(page.length());
    if (settings.budget().over()) {
      waitForBudget();
      return;
    }
    if (readyBytes >= STAGE_BYTES) {
      writeReadyPages();
    }
    if (writing && readyBytes >= MAX_READY_BYTES) {
      parser.suspend();
    }
  }

  @Override
  public void end() {
    if (template == null) {
      throw new InvalidRequest(400, "template", "is required");
    }
    if (!parser.seenRecords()) {
      throw new InvalidRequest(400, "records", "is required (an empty array is allowed)");
    }
    parsed = true;
    Buffer last = pages.flush();
    if (last != null) {
      ready.add(last);
      readyBytes += last.length();
      settings.budget().take(last.length());
    }
    commitWhenWritten();
  }

  // ---- chunker ----

  private void writeReadyPages() {
    if (writing || ready.isEmpty() || finished) {
      return;
    }
    if (draft == null) {
      draft = new ImportDraft(template);
    }
    List<Buffer> batch = ready;
    long batchBytes = readyBytes;
    ready = new ArrayList<>();
    readyBytes = 0;
    writing = true;
    eventBus.request(Addresses.CHUNKER, new ChunkerCommand.WritePages(draft, batch), TO_CHUNKER)
        .onComplete(ar -> {
          writing = false;
          settings.budget().give(batchBytes);
          if (finished) {
            return;
          }
          if (ar.failed()) {
            storeFailed("writing pages", ar.cause());
            return;
          }
          if (parsed) {
            commitWhenWritten();
            return;
          }
          if (readyBytes >= STAGE_BYTES || (!ready.isEmpty() && settings.budget().over())) {
            writeReadyPages();
          }
          guarded(this::maybeResume);
        });
  }

  /** Commits once no staging write is in flight; the pages still in memory go into the commit's transaction. */
  private void commitWhenWritten() {
    if (writing || finished) {
      return;
    }
    if (draft == null) {
      draft = new ImportDraft(template);
    }
    int totalPages = PageBuilder.pageCount(records, destination.chunkSize());
    String id = uploadId != null ? uploadId : UUID.randomUUID().toString();
    byte[] digest = sha256.digest();
    ImportRepository.NewImport meta = new ImportRepository.NewImport(id, idempotencyKey, template, webhookKey(),
        destination.chunkSize(), records, totalPages, extra == null ? null : Buffer.buffer(extra),
        authValue == null ? null : Buffer.buffer(settings.secrets().seal(authValue)), digest,
        encoded(destination.recordFormat()), encoded(destination.chunkFormat()));
    List<Buffer> lastPages = ready;
    long lastBytes = readyBytes;
    ready = new ArrayList<>();
    readyBytes = 0;
    writing = true;
    eventBus.<ChunkerCommand.Committed>request(Addresses.CHUNKER, new ChunkerCommand.Commit(draft, meta, lastPages),
            TO_CHUNKER)
        .onComplete(ar -> {
          writing = false;
          settings.budget().give(lastBytes);
          if (finished) {
            return;
          }
          if (ar.failed()) {
            storeFailed("committing an upload", ar.cause());
            return;
          }
          StoredImport stored = ar.result().body().stored();
          if (stored != null) {
            accepted(stored);
          } else {
            answerDuplicate(digest);
          }
        });
  }

  private void accepted(StoredImport stored) {
    finished = true;
    release();
    String id = stored.uploadId();
    try (LogContext ignored = LogContext.of(template, id, 0)) {
      LOG.info("import {} accepted: template {}, {} records in {} pages", id, template, records,
          stored.totalPages());
    }
    ctx.response().setStatusCode(202)
        .putHeader("Location", "/v1/imports/" + id)
        .putHeader("Content-Type", "application/json")
        .end(ImportView.accepted(stored).toBuffer());
  }

  /** The upload id (or idempotency key) is taken: the same body gets the stored import, another body a 409. */
  private void answerDuplicate(byte[] digest) {
    settings.imports().findForIdempotency(uploadId, uploadId == null ? idempotencyKey : null)
        .compose(found -> found != null || uploadId == null || idempotencyKey == null ? Future.succeededFuture(found)
            : settings.imports().findForIdempotency(null, idempotencyKey))
        .onComplete(ar -> {
          if (ar.failed()) {
            fail(Problem.databaseUnavailable());
          } else if (ar.result() == null) {
            fail(Problem.of(409, "uploadId", "is being used by another upload right now"));
          } else if (MessageDigest.isEqual(ar.result().bodySha256(), digest)) {
            finished = true;
            release();
            ctx.response().setStatusCode(200)
                .putHeader("Location", "/v1/imports/" + ar.result().uploadId())
                .putHeader("Content-Type", "application/json")
                .end(ImportView.of(ar.result()).toBuffer());
          } else {
            String field = uploadId != null ? "uploadId" : "Idempotency-Key";
            fail(Problem.of(409, field, "an import with this id exists with a different body"));
          }
        });
  }

  private static String encoded(JsonObject format) {
    return format == null ? null : format.encode();
  }

  private static String webhookKey() {
    byte[] key = new byte[16];
    RANDOM.nextBytes(key);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(key);
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
    if (finished) {
      return;
    }
    abort();
    problem.send(ctx).onComplete(v -> {
      // ended: read to the end already (a small body refused before this upload set its handlers, as a 415 is)
      if (requestEnded || request.isEnded()) {
        return;
      }
      if (problem.status() == 413 || problem.status() == 408) {
        // Reading the rest is what the limit is there to prevent: close the connection (HTTP/1.1) or reset
        // the stream (HTTP/2) right after the answer.
        ctx.response().reset();
        return;
      }
      // Read and drop the rest of a small body so the connection stays usable; give up on a large one.
      long[] dropped = {0};
      request.handler(chunk -> {
        dropped[0] += chunk.length();
        if (dropped[0] > DRAIN_LIMIT) {
          request.handler(null);
          ctx.response().reset();
        }
      });
      request.resume();
    });
  }

  private void abort() {
    finished = true;
    release();
    input.clear();
    if (draft != null) {
      eventBus.request(Addresses.CHUNKER, new ChunkerCommand.Abort(draft), TO_CHUNKER)
          .onFailure(err -> LOG.debug("abort failed: {}", err.toString()));
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
    settings.budget().give(readyBytes);
    ready = new ArrayList<>();
    readyBytes = 0;
  }
}
