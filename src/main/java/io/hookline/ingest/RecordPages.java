package io.hookline.ingest;

import io.hookline.chunk.PageBuilder;
import io.hookline.format.RecordFormat;
import io.hookline.http.InvalidRequest;
import io.hookline.store.Destination;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An upload's records on their way into pages: reshaped by the destination's record format and cut at its chunk
 * size. Records that arrive before the destination is known (before {@code template} in a JSON body) are spooled.
 */
final class RecordPages {

    /** Records that arrive before "template" wait in memory up to this much; put "template" first to stream. */
    private static final int MAX_SPOOL_BYTES = 64 << 20;

    private List<byte[]> spool = new ArrayList<>();
    private long spoolBytes;
    private PageBuilder pages;
    private RecordFormat recordFormat;

    /** Pages can be cut from now on. */
    void start(Destination destination, int maxChunkBytes) {
        pages = new PageBuilder(destination.chunkSize(), maxChunkBytes);
        recordFormat =
                destination.recordFormat() == null ? null : new RecordFormat(destination.recordFormat(), maxChunkBytes);
    }

    boolean started() {
        return pages != null;
    }

    /** Keeps a record until {@link #start}. */
    void spool(byte[] bytes, int length) {
        spoolBytes += length;
        if (spoolBytes > MAX_SPOOL_BYTES) {
            throw new InvalidRequest(
                    400,
                    "template",
                    "must come before records in the body when the records are larger than " + MAX_SPOOL_BYTES
                            + " bytes");
        }
        spool.add(Arrays.copyOf(bytes, length));
    }

    /** The spooled records, in order; the spool is empty after. */
    List<byte[]> takeSpool() {
        List<byte[]> waiting = spool;
        spool = new ArrayList<>();
        spoolBytes = 0;
        return waiting;
    }

    /** Adds record number {@code index} (from 0): the page it completes, or null. */
    Buffer add(byte[] bytes, int length, long index) {
        if (recordFormat == null) {
            return pages.add(bytes, 0, length);
        }
        byte[] reshaped;
        try {
            reshaped = recordFormat.apply(bytes, length);
        } catch (RecordFormat.TooLargeException e) {
            throw new InvalidRequest(400, "records[" + index + "]", e.getMessage());
        }
        return pages.add(reshaped, 0, recordFormat.length());
    }

    /** The last, short page, or null. */
    Buffer flush() {
        return pages.flush();
    }
}
