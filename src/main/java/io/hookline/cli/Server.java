package io.hookline.cli;

import java.util.Map;

/**
 * What the command line needs of the server, handed in by {@code io.hookline.Main}: the cli package is a client of
 * the public API and imports no server code.
 */
public interface Server {

    /** {@code serve}: runs the server in the foreground with these arguments ({@code --conf FILE}); answers the exit code. */
    int serve(String[] args);

    /** {@code demo}: starts a server in this process with these HOOKLINE_* variables (they win over the config file). */
    Running start(Map<String, String> env) throws Exception;

    /** A server started by {@link #start}. */
    interface Running {
        int port();

        void stop();
    }
}
