package io.hookline.delivery;

import io.hookline.store.ClaimedChunk;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.json.Json;
import java.nio.charset.StandardCharsets;

/**
 * The webhook body, exactly these keys in this order, or the import's chunkFormat filled in. It is built from stored, immutable parts (the page's records
 * and the import's fields), so every attempt, before or after a restart, sends the same bytes. The page's records
 * are not copied: the body is a composite of the head, the records as they came from the database, and the tail.
 */
final class WebhookPayload {

    private WebhookPayload() {}

    static Buffer body(ClaimedChunk c) {
        Buffer extra = c.extra();
        if (c.chunkFormat() != null) {
            return c.chunkFormat()
                    .body(
                            c.template(),
                            c.uploadId(),
                            c.data(),
                            c.totalRecords(),
                            c.totalPages(),
                            c.page(),
                            c.records(),
                            extra);
        }
        String head = "{\"template\":" + Json.encode(c.template()) + ",\"uploadId\":" + Json.encode(c.uploadId())
                + ",\"data\":";
        String tail = ",\"totalRecords\":" + c.totalRecords() + ",\"totalPages\":" + c.totalPages() + ",\"page\":"
                + c.page() + ",\"pageSize\":" + c.records() + ",\"extra\":";
        ByteBuf end = Unpooled.buffer(tail.length() + (extra == null ? 4 : extra.length()) + 1);
        end.writeCharSequence(tail, StandardCharsets.UTF_8);
        if (extra == null) {
            end.writeCharSequence("null", StandardCharsets.US_ASCII);
        } else {
            end.writeBytes(((BufferInternal) extra).getByteBuf());
        }
        end.writeByte('}');
        return BufferInternal.buffer(Unpooled.wrappedBuffer(
                Unpooled.wrappedBuffer(head.getBytes(StandardCharsets.UTF_8)),
                ((BufferInternal) c.data()).getByteBuf(),
                end));
    }
}
