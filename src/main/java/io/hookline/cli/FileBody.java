package io.hookline.cli;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.streams.ReadStream;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A request body streamed from a file, with bytes written before and after it (the import object around a JSON
 * array of records), and a count of the bytes handed on so far. The file is read as the request takes it, with the
 * request's backpressure, never whole.
 */
final class FileBody implements ReadStream<Buffer> {

    private final Buffer prefix;
    private final AsyncFile file;
    private final Buffer suffix;
    private final AtomicLong sent = new AtomicLong();
    private Handler<Buffer> handler;
    private boolean started;

    FileBody(Buffer prefix, AsyncFile file, Buffer suffix) {
        this.prefix = prefix;
        this.file = file;
        this.suffix = suffix;
    }

    long sent() {
        return sent.get();
    }

    private void emit(Buffer chunk) {
        if (!started) {
            started = true;
            chunk = prefix.copy().appendBuffer(chunk);
        }
        sent.addAndGet(chunk.length());
        if (handler != null && chunk.length() > 0) {
            handler.handle(chunk);
        }
    }

    @Override
    public FileBody exceptionHandler(Handler<Throwable> handler) {
        file.exceptionHandler(handler);
        return this;
    }

    @Override
    public FileBody handler(Handler<Buffer> handler) {
        this.handler = handler;
        file.handler(handler == null ? null : this::emit);
        return this;
    }

    @Override
    public FileBody pause() {
        file.pause();
        return this;
    }

    @Override
    public FileBody resume() {
        file.resume();
        return this;
    }

    @Override
    public FileBody fetch(long amount) {
        file.fetch(amount);
        return this;
    }

    @Override
    public FileBody endHandler(Handler<Void> endHandler) {
        file.endHandler(
                endHandler == null
                        ? null
                        : v -> {
                            emit(suffix);
                            file.close();
                            endHandler.handle(null);
                        });
        return this;
    }
}
