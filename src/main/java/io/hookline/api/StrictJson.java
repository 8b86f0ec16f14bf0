package io.hookline.api;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import io.hookline.http.InvalidRequest;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;

/** Parses a small JSON object body, refusing what Vert.x's JsonObject would quietly accept (duplicate keys). */
final class StrictJson {

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .streamReadConstraints(
                    StreamReadConstraints.builder().maxNestingDepth(64).build())
            .build();

    private StrictJson() {}

    /** The object, or throws {@link InvalidRequest} with field "body". */
    static JsonObject object(Buffer body) {
        if (body == null || body.length() == 0) {
            throw new InvalidRequest("body", "a JSON object is required");
        }
        try (JsonParser parser = FACTORY.createParser(body.getBytes())) {
            parser.skipChildren();
            while (parser.nextToken() != null) {
                // walks the whole document: duplicates and syntax errors throw here
            }
        } catch (JsonProcessingException e) {
            String message = e.getOriginalMessage();
            int quote = message.startsWith("Duplicate field") ? -1 : message.indexOf('\'');
            throw new InvalidRequest(
                    "body",
                    "invalid JSON: " + (quote > 0 ? message.substring(0, quote).trim() : message));
        } catch (IOException e) {
            throw new InvalidRequest("body", "invalid JSON");
        }
        Object value;
        try {
            value = io.vertx.core.json.Json.decodeValue(body);
        } catch (RuntimeException e) {
            throw new InvalidRequest("body", "invalid JSON");
        }
        if (!(value instanceof JsonObject object)) {
            throw new InvalidRequest("body", "must be a JSON object");
        }
        return object;
    }
}
