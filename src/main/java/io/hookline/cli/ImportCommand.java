package io.hookline.cli;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code hookline import FILE --template CODE ...}: streams a file to the server and follows the import to its end.
 * Exit code 0 when every page was delivered (or the import was accepted, with {@code --no-wait}), 2 when it ended
 * partially delivered or failed.
 */
@Command(
        name = "import",
        mixinStandardHelpOptions = true,
        versionProvider = HooklineCommand.Version.class,
        description = {
            "Imports a file of records and follows it until every page is delivered or finally undelivered.",
            "FILE is .csv (the first row names the keys), .ndjson/.jsonl (one JSON object a line) or .json (a JSON array",
            "of records, or a whole import object); it is streamed, never read whole.",
            "Exit code: 0 all delivered (or accepted, with --no-wait), 2 partially delivered or failed, 1 an error,"
                    + " 64 a usage error."
        })
final class ImportCommand implements Callable<Integer> {

    private static final Pattern CODE = Pattern.compile("[A-Za-z0-9_-]{1,100}");

    @Parameters(
            index = "0",
            paramLabel = "FILE",
            description = "The file: .csv (first row: the keys), .ndjson, .jsonl or .json.")
    Path file;

    @Option(
            names = "--template",
            required = true,
            paramLabel = "CODE",
            description = "The template (destination) to import to.")
    String template;

    @Option(
            names = "--auth-value",
            paramLabel = "V",
            description = "Sent as the value of the destination's auth header.")
    String authValue;

    @Option(names = "--extra", paramLabel = "JSON", description = "Any JSON value, passed on with every page as extra.")
    String extra;

    @Option(names = "--upload-id", paramLabel = "ID", description = "Your id for the import; posting it again is safe.")
    String uploadId;

    @Option(names = "--no-wait", description = "Exit once the import is accepted, without following its delivery.")
    boolean noWait;

    @Mixin
    ClientOptions client;

    @Override
    public Integer call() {
        if (!CODE.matcher(template).matches()) {
            throw CliException.usage("--template must be 1 to 100 of A-Z a-z 0-9 _ -");
        }
        if (uploadId != null && !CODE.matcher(uploadId).matches()) {
            throw CliException.usage("--upload-id must be 1 to 100 of A-Z a-z 0-9 _ -");
        }
        if (extra != null) {
            try {
                Json.decodeValue(extra);
            } catch (DecodeException e) {
                throw CliException.usage(
                        "--extra must be JSON text, e.g. --extra '{\"batch\": 7}' or --extra '\"text\"'");
            }
        }
        ImportBody body = ImportBody.of(file, new ImportBody.Fields(template, uploadId, authValue, extra));
        try (ApiClient api = client.connect()) {
            return new Importer(api, Progress.forConsole()).run(body, !noWait).exitCode();
        }
    }
}
