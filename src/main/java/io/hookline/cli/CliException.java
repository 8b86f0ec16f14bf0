package io.hookline.cli;

/** A command that cannot go on: the message for standard error and the exit code (1 an error, 64 a usage error). */
final class CliException extends RuntimeException {

    static final int ERROR = 1;
    static final int USAGE = 64;

    private final int exitCode;

    CliException(int exitCode, String message) {
        super(message, null, false, false);
        this.exitCode = exitCode;
    }

    static CliException usage(String message) {
        return new CliException(USAGE, message);
    }

    static CliException error(String message) {
        return new CliException(ERROR, message);
    }

    int exitCode() {
        return exitCode;
    }
}
