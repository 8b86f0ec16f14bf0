package io.hookline.ingest;

/**
 * A push parser of an import body (JSON, CSV or NDJSON): fed bytes as they arrive, it reports what it finds to an
 * {@link ImportBodyParser.Listener}. The listener may {@link #suspend()} it from inside a call and {@link #resume()}
 * it later; bytes already fed wait in the parser meanwhile.
 */
interface BodyParser {

    /** True when the parser has consumed what it was fed and can take more bytes. */
    boolean needsInput();

    void feed(byte[] bytes);

    void endOfInput();

    void suspend();

    void resume();

    boolean suspended();

    /** False only for a JSON body without a {@code records} field; CSV and NDJSON bodies are nothing but records. */
    boolean seenRecords();
}
