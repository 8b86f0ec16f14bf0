package io.hookline.cli;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** The demo's callback URL: a loopback HTTP server that answers 200 and counts the records and requests it gets. */
final class DemoReceiver implements AutoCloseable {

    private final HttpServer server;
    private final AtomicLong records = new AtomicLong();
    private final AtomicLong requests = new AtomicLong();

    DemoReceiver(Vertx vertx) throws Exception {
        server = vertx.createHttpServer()
                .requestHandler(request -> request.body().onSuccess(body -> {
                    try {
                        records.addAndGet(
                                new JsonObject(body).getJsonArray("data").size());
                        requests.incrementAndGet();
                        request.response().setStatusCode(200).end("ok");
                    } catch (RuntimeException notAPage) {
                        request.response().setStatusCode(400).end("not a Hookline page");
                    }
                }))
                .listen(0, "127.0.0.1")
                .await(10, TimeUnit.SECONDS);
    }

    String url() {
        return "http://127.0.0.1:" + server.actualPort() + "/imports";
    }

    long records() {
        return records.get();
    }

    long requests() {
        return requests.get();
    }

    @Override
    public void close() throws Exception {
        server.close().await(10, TimeUnit.SECONDS);
    }
}
