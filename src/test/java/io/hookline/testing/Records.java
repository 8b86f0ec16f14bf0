package io.hookline.testing;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** Small numbered records for imports whose content does not matter to the test. */
public final class Records {

    private Records() {}

    public static JsonArray of(int n) {
        JsonArray a = new JsonArray();
        for (int i = 0; i < n; i++) {
            a.add(new JsonObject().put("i", i));
        }
        return a;
    }

    /** One record as JSON text of exactly {@code bytes} bytes (at least 20): {@code {"i":N,"pad":"xxx..."}}. */
    public static String padded(int i, int bytes) {
        String head = "{\"i\":" + i + ",\"pad\":\"";
        return head + "x".repeat(Math.max(0, bytes - head.length() - 2)) + "\"}";
    }

    /** The opening of an import body up to the first record: {@code {"template":T,"uploadId":U,"records":[}. */
    public static String opening(String template, String uploadId) {
        return "{\"template\":\"" + template + "\"" + (uploadId == null ? "" : ",\"uploadId\":\"" + uploadId + "\"")
                + ",\"records\":[";
    }
}
