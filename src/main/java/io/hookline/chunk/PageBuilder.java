package io.hookline.chunk;

import io.vertx.core.buffer.Buffer;

/**
 * Splits a stream of records into pages of {@code chunkSize}: each page is the JSON array of its records, as the
 * bytes that go into the webhook body's {@code data}. Records arrive already serialised; they are copied once.
 */
public final class PageBuilder {

    private final int chunkSize;
    private final int maxPageBytes;
    private Buffer page;
    private int recordsInPage;
    private int pagesDone;

    public PageBuilder(int chunkSize, int maxPageBytes) {
        this.chunkSize = chunkSize;
        this.maxPageBytes = maxPageBytes;
    }

    /**
     * Adds one record; answers the finished page when this record filled it, else null.
     * Throws {@link PageTooLargeException} when the page would exceed the byte limit.
     */
    public Buffer add(byte[] record, int offset, int length) {
        if (page == null) {
            page = Buffer.buffer(Math.min(1 << 16, Math.max(256, length * chunkSize + 2)));
            page.appendByte((byte) '[');
        } else {
            page.appendByte((byte) ',');
        }
        page.appendBytes(record, offset, length);
        recordsInPage++;
        if (page.length() + 1 > maxPageBytes) {
            throw new PageTooLargeException(pagesDone + 1, maxPageBytes);
        }
        return recordsInPage == chunkSize ? finish() : null;
    }

    /** The last, short page, or null when the records filled whole pages. */
    public Buffer flush() {
        return page == null ? null : finish();
    }

    private Buffer finish() {
        Buffer done = page.appendByte((byte) ']');
        page = null;
        recordsInPage = 0;
        pagesDone++;
        return done;
    }

    public static int pageCount(long records, int chunkSize) {
        return (int) ((records + chunkSize - 1) / chunkSize);
    }

    /** A page whose body would exceed {@code delivery.maxChunkBytes}. */
    public static final class PageTooLargeException extends RuntimeException {
        private final int page;

        PageTooLargeException(int page, int limit) {
            super("page " + page + " would be larger than " + limit
                    + " bytes (delivery.maxChunkBytes): lower chunkSize");
            this.page = page;
        }

        public int page() {
            return page;
        }
    }
}
