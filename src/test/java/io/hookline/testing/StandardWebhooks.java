package io.hookline.testing;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A Standard Webhooks verifier written here from the specification (not Hookline's signer): key =
 * base64-decode(secret without "whsec_"), signed content = id + "." + timestamp + "." + raw body.
 */
public final class StandardWebhooks {

    private StandardWebhooks() {}

    /** Whether {@code signature} (one "v1,..." entry) signs the request {@code r} with {@code secret}. */
    public static boolean verifies(String secret, Sink.Received r, String signature) {
        try {
            byte[] key = Base64.getDecoder().decode(secret.substring("whsec_".length()));
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            byte[] prefix = (r.header("webhook-id") + "." + r.header("webhook-timestamp") + ".")
                    .getBytes(StandardCharsets.UTF_8);
            byte[] content = new byte[prefix.length + r.body().length];
            System.arraycopy(prefix, 0, content, 0, prefix.length);
            System.arraycopy(r.body(), 0, content, prefix.length, r.body().length);
            String expected = "v1," + Base64.getEncoder().encodeToString(mac.doFinal(content));
            return expected.equals(signature);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    public static String newSecret() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return "whsec_" + Base64.getEncoder().encodeToString(key);
    }
}
