package io.hookline.store;

import java.util.List;

/**
 * What one claim statement leased: chunks of one destination, and that destination as it is now. {@code probe}:
 * the destination's circuit is open and this (single) chunk is the probe that decides whether it closes.
 */
public record Claim(Destination destination, List<ClaimedChunk> chunks, boolean probe) {}
