package io.hookline.store;

import java.util.List;

/** What one claim statement leased: chunks of one destination, and that destination as it is now. */
public record Claim(Destination destination, List<ClaimedChunk> chunks) {}
