package io.hookline.testing;

import java.util.ArrayList;
import java.util.List;

/** The Hookline processes a test starts; closing it kills every one still running (frozen ones too: SIGKILL). */
public final class Instances implements AutoCloseable {

    private final List<HooklineProcess> started = new ArrayList<>();

    public HooklineProcess start(HooklineProcess.Home home, String instanceId) {
        HooklineProcess p = HooklineProcess.start(home, instanceId);
        started.add(p);
        return p;
    }

    @Override
    public void close() {
        started.forEach(HooklineProcess::close);
        started.clear();
    }
}
