package io.hookline.store;

import java.time.Instant;
import java.util.List;

/**
 * What one claim came back with. {@code owned} false: the caller's lease on the destination is gone, nothing was
 * claimed. {@code settingsVersion}: the destination's version now. {@code more}: more chunks may be due than this
 * batch took. {@code nextDueAt}: when the earliest chunk that is not due yet will be (null: none), so the owner knows
 * when to look again.
 */
public record Claim(boolean owned, long settingsVersion, List<ClaimedChunk> chunks, boolean more, Instant nextDueAt) {

    static final Claim NOT_OWNED = new Claim(false, 0, List.of(), false, null);
}
