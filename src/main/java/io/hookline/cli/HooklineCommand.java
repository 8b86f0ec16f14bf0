package io.hookline.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code hookline [COMMAND]}: the jar's entry point. Without a command it is {@code serve}, so {@code java -jar
 * hookline.jar --conf FILE} keeps working. Exit codes: 0 done, 2 an import that ended partially delivered or failed,
 * 1 any error, 64 a usage error.
 */
@Command(
        name = "hookline",
        mixinStandardHelpOptions = true,
        versionProvider = HooklineCommand.Version.class,
        description = "Hookline delivers imported records to your backend as webhooks.%n"
                + "Without a command, runs the server (as `serve`).",
        subcommands = {
            ServeCommand.class,
            ImportCommand.class,
            StatusCommand.class,
            DemoCommand.class,
            CommandLine.HelpCommand.class
        })
public final class HooklineCommand implements Callable<Integer> {

    static final int DONE = 0;
    static final int NOT_ALL_DELIVERED = 2;

    @Option(
            names = "--conf",
            paramLabel = "FILE",
            description = "Config file of the server (default conf/hookline.json).")
    Path conf;

    private final Server server;

    HooklineCommand(Server server) {
        this.server = server;
    }

    @Override
    public Integer call() {
        return ServeCommand.serve(server, conf);
    }

    /** Parses the arguments, runs the command and answers its exit code. */
    public static int run(String[] args, Server server) {
        CommandLine cli = new CommandLine(new HooklineCommand(server), new Factory(server));
        configure(cli);
        return cli.execute(args);
    }

    private static void configure(CommandLine cli) {
        cli.getCommandSpec().exitCodeOnInvalidInput(CliException.USAGE);
        cli.setExecutionExceptionHandler((e, command, parseResult) -> {
            PrintWriter err = command.getErr();
            if (e instanceof CliException failure) {
                err.println("hookline: error: " + failure.getMessage());
                if (failure.exitCode() == CliException.USAGE) {
                    err.println("(see: hookline " + command.getCommandName() + " --help)");
                }
                err.flush();
                return failure.exitCode();
            }
            err.println("hookline: error: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            err.flush();
            return CliException.ERROR;
        });
        cli.getSubcommands().values().forEach(HooklineCommand::configure);
    }

    /** Makes the commands that need the server with it. */
    private record Factory(Server server) implements CommandLine.IFactory {
        @Override
        public <K> K create(Class<K> type) throws Exception {
            if (type == ServeCommand.class) {
                return type.cast(new ServeCommand(server));
            }
            if (type == DemoCommand.class) {
                return type.cast(new DemoCommand(server));
            }
            return CommandLine.defaultFactory().create(type);
        }
    }

    /** The version in the jar's manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"hookline " + version()};
        }
    }

    static String version() {
        String v = HooklineCommand.class.getPackage().getImplementationVersion();
        return v == null ? "development build" : v;
    }
}
