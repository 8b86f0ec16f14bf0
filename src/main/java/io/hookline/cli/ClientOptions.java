package io.hookline.cli;

import picocli.CommandLine.Option;

/** The options of every command that talks to a running server. */
final class ClientOptions {

    @Option(
            names = "--server",
            paramLabel = "URL",
            defaultValue = "${env:HOOKLINE_URL:-http://127.0.0.1:8080}",
            description = "The server (default: $HOOKLINE_URL, else http://127.0.0.1:8080).")
    String server;

    @Option(
            names = "--api-key",
            paramLabel = "KEY",
            defaultValue = "${env:HOOKLINE_API_KEY}",
            description = "API key, sent as Authorization: Bearer KEY (default: $HOOKLINE_API_KEY).")
    String apiKey;

    ApiClient connect() {
        return new ApiClient(server, apiKey);
    }
}
