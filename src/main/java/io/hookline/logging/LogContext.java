package io.hookline.logging;

import org.slf4j.MDC;

/**
 * Names the import, template and page a log line is about, for the JSON log's {@code uploadId}, {@code template} and
 * {@code page}: set around the logging of work for one import or chunk, cleared when closed (event loops run the work
 * of many imports one after another on one thread, so nothing may stay behind).
 */
public final class LogContext implements AutoCloseable {

    private LogContext() {}

    /** {@code page} 0 for a line about a whole import; any argument may be null. */
    public static LogContext of(String template, String uploadId, int page) {
        put("template", template);
        put("uploadId", uploadId);
        put("page", page > 0 ? Integer.toString(page) : null);
        return new LogContext();
    }

    private static void put(String key, String value) {
        if (value == null) {
            MDC.remove(key);
        } else {
            MDC.put(key, value);
        }
    }

    @Override
    public void close() {
        MDC.remove("template");
        MDC.remove("uploadId");
        MDC.remove("page");
    }
}
