package io.hookline.store;

import java.util.List;

/** One page of a list: its items and the cursor of the next page, null on the last page. */
public record Page<T>(List<T> items, String next) {}
