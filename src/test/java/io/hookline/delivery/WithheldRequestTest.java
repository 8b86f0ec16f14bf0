package io.hookline.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookline.security.TargetPolicy;
import io.hookline.store.Destination;
import io.hookline.testing.Sink;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The last check before a request's bytes go out. Getting a connection can take a connect; an owner frozen meanwhile
 * wakes after its lease ran out, and the request it had begun must not reach the receiver (another instance owns the
 * destination by then). The lane passes its lease check; here it is a plain answer.
 */
class WithheldRequestTest {

    private final Vertx vertx = Vertx.vertx();
    private final Sink sink = new Sink();

    @AfterEach
    void tearDown() {
        sink.close();
        vertx.close().await();
    }

    private record Sent(boolean withheld, AttemptResult result) {}

    private Sent send(WebhookClient client, String webhookId, boolean mayWrite) throws Exception {
        Destination d = new Destination(
                "withheld",
                sink.url(),
                null,
                10,
                0,
                1_000,
                5_000,
                null,
                null,
                false,
                Destination.RetryBackoff.FIXED,
                1_000,
                List.of(),
                null,
                null,
                null,
                null,
                null,
                null);
        WebhookRequest r = new WebhookRequest(sink.url(), webhookId, null, false, Buffer.buffer("{\"page\":1}"));
        CompletableFuture<Sent> sent = new CompletableFuture<>();
        vertx.runOnContext(v -> {
            WebhookClient.Exchange x = client.send(d, r, () -> mayWrite);
            x.result().onComplete(ar -> sent.complete(new Sent(x.withheld(), ar.result())));
        });
        return sent.get(10, TimeUnit.SECONDS);
    }

    @Test
    void aRequestWhoseLeaseRanOutBeforeItsConnectionWasReadyIsNotWritten() throws Exception {
        WebhookClient client = new WebhookClient(vertx, new TargetPolicy(true, List.of()), 2_048, null);

        Sent withheld = send(client, "msg_withheld", false);
        assertThat(withheld.withheld()).isTrue();
        assertThat(withheld.result().statusCode()).isNull();

        // a request sent after it on the same client arrives, and it is the only one that did
        Sent written = send(client, "msg_written", true);
        assertThat(written.withheld()).isFalse();
        assertThat(written.result().statusCode()).isEqualTo(200);
        assertThat(sink.received()).extracting(got -> got.header("webhook-id")).containsExactly("msg_written");
    }
}
