package io.hookline.bus;

/** Event bus addresses; every message on them is local to the process. */
public final class Addresses {

  /** Ingest → chunker: {@code ChunkerCommand}s of one upload, request/reply. */
  public static final String CHUNKER = "hookline.chunker";

  /** Chunker and API → sender: a template code whose destination has new work. Publish, no reply. */
  public static final String WORK = "hookline.work";

  private Addresses() {}
}
