package io.hookline.cli;

import io.vertx.core.json.JsonObject;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * {@code hookline demo}: a new user's first minute. On the local PostgreSQL it starts a server and a receiver on
 * loopback (private targets allowed for this run only), creates a destination, imports 10,000 generated records
 * with the progress shown, prints the receiver's count and what to try next. On a terminal the server then stays up
 * until Enter or Ctrl-C; otherwise the demo ends there.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        versionProvider = HooklineCommand.Version.class,
        description = {
            "Imports 10,000 generated records to a server and a receiver it starts on this machine.",
            "Needs a running PostgreSQL: HOOKLINE_DB_URL, else postgresql://hookline:hookline@127.0.0.1:5432/hookline",
            "(bin/hookline demo sets it up)."
        })
final class DemoCommand implements Callable<Integer> {

    static final String TEMPLATE = "demo";
    static final int RECORDS = 10_000;
    private static final String[] CITIES = {"Paris, France", "Lagos", "Osaka", "São Paulo", "Toronto"};

    private final Server server;

    DemoCommand(Server server) {
        this.server = server;
    }

    @Override
    public Integer call() throws Exception {
        Server.Running running = startServer();
        String base = "http://127.0.0.1:" + running.port();
        Path csv = null;
        try (ApiClient api = new ApiClient(base, null);
                DemoReceiver receiver = new DemoReceiver(api.vertx())) {
            Progress progress = Progress.forConsole();
            progress.line("hookline demo: a server at " + base + ", a receiver at " + receiver.url());
            api.put(
                    "/v1/templates/" + TEMPLATE + "/destination",
                    new JsonObject()
                            .put("callbackUrl", receiver.url())
                            .put("chunkSize", 100)
                            .put("retryCount", 3)
                            .put("retryInterval", 500));
            progress.line("destination of template \"" + TEMPLATE + "\": " + receiver.url() + ", 100 records per page");
            csv = generate();
            Importer.Outcome outcome = new Importer(api, progress)
                    .run(
                            ImportBody.of(
                                    csv, new ImportBody.Fields(TEMPLATE, null, null, "{\"source\":\"hookline demo\"}")),
                            true);
            String uploadId = outcome.view().getString("uploadId");
            progress.line(
                    "the receiver got " + receiver.records() + " records in " + receiver.requests() + " requests");
            progress.line("");
            boolean staysUp = System.console() != null;
            progress.line(
                    staysUp
                            ? "What to try next, while the server runs:"
                            : "What to try next, with a server running (bin/hookline, on port 8080 by default):");
            progress.line("  the console        " + base + "/console/");
            progress.line("  this import        curl -s " + base + "/v1/imports/" + uploadId);
            progress.line("  its pages          curl -s '" + base + "/v1/imports/" + uploadId + "/chunks?limit=5'");
            progress.line(
                    "  a file of yours    hookline import people.csv --template " + TEMPLATE + " --server " + base);
            progress.line("  an import's state  hookline status " + uploadId + " --server " + base);
            if (staysUp) {
                progress.line("The server stays up until you press Enter (or Ctrl-C).");
                System.console().readLine();
            }
            return outcome.exitCode();
        } finally {
            running.stop();
            if (csv != null) {
                Files.deleteIfExists(csv);
            }
        }
    }

    /** The server on loopback, on HOOKLINE_HTTP_PORT (8080 by default) or, when that port is taken, on a free one. */
    private Server.Running startServer() {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("HOOKLINE_ALLOW_PRIVATE_TARGETS", "true");
        env.put("HOOKLINE_HTTP_HOST", "127.0.0.1");
        env.remove("HOOKLINE_API_KEYS");
        env.putIfAbsent("HOOKLINE_LOG_LEVEL", "WARN");
        env.putIfAbsent("HOOKLINE_HTTP_PORT", "8080");
        try {
            try {
                return server.start(env);
            } catch (Exception e) {
                if (!String.valueOf(rootCause(e).getMessage()).contains("already in use")) {
                    throw e;
                }
                env.put("HOOKLINE_HTTP_PORT", "0");
                return server.start(env);
            }
        } catch (Exception e) {
            throw CliException.error(
                    "the demo could not start a server: " + rootCause(e).getMessage()
                            + "\nIt needs a running PostgreSQL at HOOKLINE_DB_URL (default: the local hookline database);"
                            + " bin/hookline demo sets one up.");
        }
    }

    private static Throwable rootCause(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause;
    }

    private static Path generate() throws IOException {
        Path csv = Files.createTempFile("hookline-demo-", ".csv");
        try (BufferedWriter out = Files.newBufferedWriter(csv, StandardCharsets.UTF_8)) {
            out.write("id,name,email,city\r\n");
            for (int i = 1; i <= RECORDS; i++) {
                String city = CITIES[i % CITIES.length];
                out.write(i + ",User " + i + ",user" + i + "@example.com,"
                        + (city.contains(",") ? "\"" + city + "\"" : city) + "\r\n");
            }
        }
        return csv;
    }
}
