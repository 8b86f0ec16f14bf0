package io.hookline.testing;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * A test class that talks to the shared server and has a sink of its own, started before its tests and closed after
 * them. Test classes run one after another, so the static fields belong to the class running.
 */
public abstract class SharedServerTest {

    protected static Sink sink;
    protected static Api api;

    @BeforeAll
    static void startSink() {
        sink = new Sink();
        api = TestServer.shared().api();
    }

    @AfterAll
    static void stopSink() {
        sink.close();
    }
}
