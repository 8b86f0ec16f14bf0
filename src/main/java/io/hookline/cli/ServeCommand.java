package io.hookline.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code hookline serve [--conf FILE]}: the server, in the foreground, until SIGTERM or Ctrl-C drains and stops it. */
@Command(
        name = "serve",
        mixinStandardHelpOptions = true,
        versionProvider = HooklineCommand.Version.class,
        description = "Runs the server in the foreground (config: conf/hookline.json and HOOKLINE_* variables).")
final class ServeCommand implements Callable<Integer> {

    @Option(names = "--conf", paramLabel = "FILE", description = "Config file (default conf/hookline.json).")
    Path conf;

    private final Server server;

    ServeCommand(Server server) {
        this.server = server;
    }

    @Override
    public Integer call() {
        return serve(server, conf);
    }

    static int serve(Server server, Path conf) {
        return server.serve(conf == null ? new String[0] : new String[] {"--conf", conf.toString()});
    }
}
