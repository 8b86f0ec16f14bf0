package io.hookline.delivery;

import io.hookline.store.ClaimedChunk;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;
import java.nio.charset.StandardCharsets;

/**
 * The webhook body, exactly these keys in this order. It is built from stored, immutable parts (the page's records
 * and the import's fields), so every attempt, before or after a restart, sends the same bytes.
 */
final class WebhookPayload {

  private WebhookPayload() {}

  static Buffer body(ClaimedChunk c) {
    Buffer extra = c.extra();
    Buffer body = Buffer.buffer(c.data().length() + (extra == null ? 4 : extra.length()) + 160);
    body.appendString("{\"template\":").appendString(Json.encode(c.template()))
        .appendString(",\"uploadId\":").appendString(Json.encode(c.uploadId()))
        .appendString(",\"data\":").appendBuffer(c.data())
        .appendString(",\"totalRecords\":").appendString(Long.toString(c.totalRecords()))
        .appendString(",\"totalPages\":").appendString(Integer.toString(c.totalPages()))
        .appendString(",\"page\":").appendString(Integer.toString(c.page()))
        .appendString(",\"pageSize\":").appendString(Integer.toString(c.records()))
        .appendString(",\"extra\":");
    if (extra == null) {
      body.appendBytes("null".getBytes(StandardCharsets.US_ASCII));
    } else {
      body.appendBuffer(extra);
    }
    return body.appendByte((byte) '}');
  }
}
