package io.hookline.cli;

import io.vertx.core.json.JsonObject;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code hookline status UPLOAD_ID}: an import's state, in words or as the API's JSON. */
@Command(
        name = "status",
        mixinStandardHelpOptions = true,
        versionProvider = HooklineCommand.Version.class,
        description = {
            "Shows an import's state.",
            "Exit code: 0 completed or still going, 2 partially delivered or failed, 1 an error, 64 a usage error."
        })
final class StatusCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "UPLOAD_ID", description = "The import's upload id.")
    String uploadId;

    @Option(names = "--json", description = "Print the API's JSON as it comes.")
    boolean json;

    @Mixin
    ClientOptions client;

    @Override
    public Integer call() {
        if (!uploadId.matches("[A-Za-z0-9_-]{1,100}")) {
            throw CliException.usage("UPLOAD_ID must be 1 to 100 of A-Z a-z 0-9 _ -");
        }
        JsonObject view;
        try (ApiClient api = client.connect()) {
            view = api.get("/v1/imports/" + uploadId);
        }
        if (json) {
            System.out.println(view.encode());
        } else {
            JsonObject chunks = view.getJsonObject("chunks", new JsonObject());
            System.out.printf(
                    "%s (template %s): %s%n",
                    view.getString("uploadId"), view.getString("template"), view.getString("status"));
            System.out.printf(
                    "  %d records in %d pages: %d delivered, %d undelivered, %d pending%n",
                    view.getLong("totalRecords"),
                    view.getInteger("totalPages"),
                    chunks.getLong("delivered", 0L),
                    chunks.getLong("undelivered", 0L),
                    chunks.getLong("pending", 0L));
            System.out.printf(
                    "  created %s, completed %s, destination %s%n",
                    view.getString("createdAt"),
                    view.getString("completedAt") == null ? "-" : view.getString("completedAt"),
                    view.getString("destinationState"));
        }
        String status = view.getString("status");
        return "PARTIALLY_DELIVERED".equals(status) || "FAILED".equals(status)
                ? HooklineCommand.NOT_ALL_DELIVERED
                : HooklineCommand.DONE;
    }
}
