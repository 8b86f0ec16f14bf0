package io.hookline.ingest;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.function.BooleanSupplier;

/**
 * An upload's body on its way from the request to the parser: queued as it arrives, digested and fed while the
 * parser takes it, and the request paused while the parser does not (suspended, or more than a few buffers behind).
 */
final class BodyFeed {

    /** Buffers that may wait before the request is paused. */
    private static final int MAX_QUEUED = 4;

    private final HttpServerRequest request;
    private final MessageDigest sha256;
    private final SlowBodyCheck pace;
    private final ArrayDeque<Buffer> input = new ArrayDeque<>();
    private long received;
    private boolean ended;
    private boolean endFed;
    private boolean paused;

    BodyFeed(HttpServerRequest request, MessageDigest sha256, SlowBodyCheck pace) {
        this.request = request;
        this.sha256 = sha256;
        this.pace = pace;
    }

    /** Counts and queues a buffer of the body; answers how many bytes have arrived in all. */
    long received(Buffer chunk) {
        received += chunk.length();
        pace.received(chunk.length());
        input.add(chunk);
        return received;
    }

    /** The request's body has all arrived (what is queued is still to be fed). */
    void ended() {
        ended = true;
    }

    boolean hasEnded() {
        return ended;
    }

    /** The body comes slower than the minimum rate (the check's once-a-second tick; a paused request is excused). */
    boolean tooSlow() {
        return pace.tick(paused);
    }

    /**
     * Feeds queued bytes while the parser takes them, and the end of the input once they are all fed; then pauses or
     * resumes the request. {@code stopped}: the upload is over, feed nothing more.
     */
    void pump(BodyParser parser, BooleanSupplier stopped) {
        while (!stopped.getAsBoolean() && !parser.suspended() && parser.needsInput()) {
            Buffer next = input.poll();
            if (next == null) {
                if (ended && !endFed) {
                    endFed = true;
                    parser.endOfInput();
                }
                break;
            }
            byte[] bytes = next.getBytes();
            sha256.update(bytes);
            parser.feed(bytes);
        }
        boolean shouldPause = !stopped.getAsBoolean() && !ended && (parser.suspended() || input.size() > MAX_QUEUED);
        if (shouldPause != paused) {
            paused = shouldPause;
            if (paused) {
                pace.paused();
                request.pause();
            } else {
                request.resume();
            }
        }
    }

    /** Drops what is queued: the upload is over. */
    void clear() {
        input.clear();
    }
}
