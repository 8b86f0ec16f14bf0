package io.hookline.cli;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.ConnectException;
import java.net.URI;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Hookline's public API as the command line uses it: a WebClient on a Vert.x of its own, called from the command's
 * thread (never an event loop), which waits for each answer. Any answer but a 2xx becomes a {@link CliException}
 * carrying the server's problem detail.
 */
final class ApiClient implements AutoCloseable {

    private final Vertx vertx = Vertx.vertx();
    private final WebClient web;
    private final String base;
    private final String apiKey;

    ApiClient(String server, String apiKey) {
        this.base = checkedBase(server);
        this.apiKey = apiKey == null || apiKey.isBlank() ? null : apiKey;
        this.web = WebClient.create(
                vertx,
                new WebClientOptions()
                        .setFollowRedirects(false)
                        .setUserAgent("hookline-cli/" + HooklineCommand.version())
                        .setConnectTimeout(10_000));
    }

    private static String checkedBase(String server) {
        try {
            URI uri = URI.create(server);
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                throw CliException.usage("--server must be an http:// or https:// URL, e.g. http://127.0.0.1:8080");
            }
        } catch (IllegalArgumentException e) {
            throw CliException.usage("--server must be an http:// or https:// URL, e.g. http://127.0.0.1:8080");
        }
        return server.endsWith("/") ? server.substring(0, server.length() - 1) : server;
    }

    String base() {
        return base;
    }

    Vertx vertx() {
        return vertx;
    }

    /** A request to {@code path} (under the server's URL), with the API key when there is one. */
    HttpRequest<Buffer> request(HttpMethod method, String path) {
        HttpRequest<Buffer> request = web.requestAbs(method, base + path);
        if (apiKey != null) {
            request.putHeader("Authorization", "Bearer " + apiKey);
        }
        return request;
    }

    JsonObject get(String path) {
        return json(await(request(HttpMethod.GET, path).send()));
    }

    JsonObject put(String path, JsonObject body) {
        return json(await(request(HttpMethod.PUT, path).sendJsonObject(body)));
    }

    /** Waits for an answer; a connection that fails is an error naming the server. */
    <T> T await(Future<T> future) {
        try {
            return future.await(10, TimeUnit.MINUTES);
        } catch (TimeoutException e) {
            throw CliException.error(base + " did not answer within 10 minutes");
        } catch (CliException e) {
            throw e;
        } catch (Exception e) { // Future.await rethrows the failure as it is, checked or not
            throw unreachable(e);
        }
    }

    CliException unreachable(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        String why = cause instanceof ConnectException
                ? "connection refused (is the server running?)"
                : cause.getMessage() == null ? cause.toString() : cause.getMessage();
        return CliException.error("cannot reach " + base + ": " + why);
    }

    /** The body of a 2xx, as JSON; any other answer is an error with the server's problem detail. */
    static JsonObject json(HttpResponse<Buffer> response) {
        if (response.statusCode() / 100 != 2) {
            throw CliException.error(problem(response));
        }
        Buffer body = response.body();
        return body == null || body.length() == 0 ? new JsonObject() : new JsonObject(body);
    }

    /** "404 Not Found: template: no destination is configured for this template", from a problem+json answer. */
    static String problem(HttpResponse<Buffer> response) {
        String head = response.statusCode() + " " + response.statusMessage();
        try {
            JsonObject problem = new JsonObject(response.body());
            String detail = problem.getString("detail");
            return detail == null ? head : head + ": " + detail;
        } catch (RuntimeException notJson) {
            return head;
        }
    }

    @Override
    public void close() {
        try {
            vertx.close().await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            // closing on the way out: nothing left to do about it
        }
    }
}
