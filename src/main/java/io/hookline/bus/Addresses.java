package io.hookline.bus;

/** Event bus addresses; every message on them is local to the process. */
public final class Addresses {

    /** Ingest → chunker: {@code ChunkerCommand}s of one upload, request/reply. */
    public static final String CHUNKER = "hookline.chunker";

    /** Chunker → sender: a template code whose destination has new work, this instance's own. Publish, no reply. */
    public static final String WORK = "hookline.work";

    /** Listener → sender shards: {@link DestinationEvent}s from every instance. Publish, no reply. */
    public static final String DESTINATION_EVENTS = "hookline.destination-events";

    private Addresses() {}
}
