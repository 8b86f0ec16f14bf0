package io.hookline.api;

import io.hookline.chunk.PageBuilder;
import io.hookline.config.HooklineConfig;
import io.hookline.delivery.AttemptResult;
import io.hookline.delivery.WebhookClient;
import io.hookline.format.ChunkFormat;
import io.hookline.format.RecordFormat;
import io.hookline.http.InvalidRequest;
import io.hookline.http.Problem;
import io.hookline.ingest.ImportBodyParser;
import io.hookline.store.ClaimedChunk;
import io.hookline.store.Destination;
import io.hookline.store.DestinationRepository;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * {@code POST /v1/templates/{code}/destination/test}: one request to the callback URL made exactly as a chunk of an
 * import of the given records would be (the records read by the import parser, reshaped by the destination's
 * recordFormat and cut into a page as at ingest; the chunkFormat, body, headers, signature and address guard of the
 * sender's {@link WebhookClient}), as page 1 of 1 of an upload {@code test_...}; at once, without retry, nothing
 * stored. It answers what the receiver answered. No auth value
 * exists for a test, so the destination's auth header is not sent.
 */
final class DestinationTestSend {

    private static final byte[] DEFAULT_RECORD = "{\"test\":true}".getBytes(StandardCharsets.UTF_8);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final DestinationRepository destinations;
    private final WebhookClient client;
    private final HooklineConfig.Ingest limits;
    private final int maxChunkBytes;

    DestinationTestSend(
            DestinationRepository destinations, WebhookClient client, HooklineConfig.Ingest limits, int maxChunkBytes) {
        this.destinations = destinations;
        this.client = client;
        this.limits = limits;
        this.maxChunkBytes = maxChunkBytes;
    }

    void mount(Router router) {
        router.post("/v1/templates/:code/destination/test")
                .handler(BodyHandler.create(false).setBodyLimit(maxChunkBytes))
                .handler(this::test);
    }

    private void test(RoutingContext ctx) {
        String code = ctx.pathParam("code");
        if (!Destination.TEMPLATE_CODE.matcher(code).matches()) {
            Problem.invalid("template", "must be 1 to 100 of A-Z a-z 0-9 _ -").send(ctx);
            return;
        }
        Buffer body = ctx.body().buffer();
        List<byte[]> records;
        if (body == null || body.length() == 0) {
            records = List.of(DEFAULT_RECORD);
        } else {
            String contentType = ctx.request().getHeader("Content-Type");
            if (contentType == null || !contentType.toLowerCase().startsWith("application/json")) {
                Problem.of(415, "Content-Type", "must be application/json").send(ctx);
                return;
            }
            try {
                records = records(body);
            } catch (InvalidRequest e) {
                e.problem().send(ctx);
                return;
            }
        }
        destinations
                .find(code)
                .onSuccess(d -> {
                    if (d == null) {
                        Problem.of(404, "no destination for this template").send(ctx);
                        return;
                    }
                    Buffer page;
                    try {
                        page = page(d, records);
                    } catch (PageBuilder.PageTooLargeException | RecordFormat.TooLargeException e) {
                        Problem.invalid("records", e.getMessage()).send(ctx);
                        return;
                    }
                    client.sendOnce(d, chunk(d, records.size(), page))
                            .onSuccess(r -> ctx.response()
                                    .putHeader("Content-Type", "application/json")
                                    .end(answer(r).toBuffer()))
                            .onFailure(ctx::fail);
                })
                .onFailure(ctx::fail);
    }

    /** The records of {@code {"records": [...]}} as an import's parser hands them on; the default when absent. */
    private List<byte[]> records(Buffer body) {
        List<byte[]> records = new ArrayList<>();
        ImportBodyParser parser = new ImportBodyParser(
                new ImportBodyParser.Listener() {
                    @Override
                    public void template(String code) {
                        throw onlyRecords("template");
                    }

                    @Override
                    public void uploadId(String uploadId) {
                        throw onlyRecords("uploadId");
                    }

                    @Override
                    public void authHeaderValue(String value) {
                        throw onlyRecords("authHeaderValue");
                    }

                    @Override
                    public void extra(byte[] json) {
                        throw onlyRecords("extra");
                    }

                    @Override
                    public void record(byte[] bytes, int length, long index) {
                        records.add(Arrays.copyOf(bytes, length));
                    }

                    @Override
                    public void end() {
                        // all records are in the list
                    }
                },
                limits.maxDepth(),
                limits.maxRecordBytes());
        parser.feed(body.getBytes());
        parser.endOfInput();
        if (!parser.done()) {
            throw new InvalidRequest(400, "body", "the JSON body ends before it is complete");
        }
        if (!parser.seenRecords()) {
            return List.of(DEFAULT_RECORD);
        }
        if (records.isEmpty()) {
            throw new InvalidRequest(400, "records", "must hold at least one record");
        }
        return records;
    }

    private static InvalidRequest onlyRecords(String field) {
        return new InvalidRequest(400, field, "unknown field; a test send takes only records");
    }

    /** Every record on one page, cut as at ingest. */
    private Buffer page(Destination d, List<byte[]> records) {
        PageBuilder pages = new PageBuilder(records.size(), maxChunkBytes);
        RecordFormat format = d.recordFormat() == null ? null : new RecordFormat(d.recordFormat(), maxChunkBytes);
        Buffer page = null;
        for (byte[] r : records) {
            page = format == null
                    ? pages.add(r, 0, r.length)
                    : pages.add(format.apply(r, r.length), 0, format.length());
        }
        return page;
    }

    private static ClaimedChunk chunk(Destination d, int records, Buffer page) {
        byte[] key = new byte[16];
        RANDOM.nextBytes(key);
        String random = Base64.getUrlEncoder().withoutPadding().encodeToString(key);
        return new ClaimedChunk(
                0,
                1,
                d.template(),
                records,
                0,
                0,
                0,
                "test_" + random,
                "test_" + random,
                records,
                1,
                null,
                null,
                false,
                page,
                d.chunkFormat() == null ? null : ChunkFormat.compile(d.chunkFormat()));
    }

    private static JsonObject answer(AttemptResult r) {
        String error = r.error();
        if (error != null && error.startsWith("blocked target")) {
            error = "blocked target"; // the API's word for it; the attempt log keeps the longer reason
        }
        return new JsonObject()
                .put("delivered", r.succeeded())
                .put("statusCode", r.statusCode())
                .put("durationMs", r.durationMs())
                .put("error", error)
                .put("responseExcerpt", r.excerpt());
    }
}
