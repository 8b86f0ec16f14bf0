package io.hookline.ingest;

/**
 * What the CSV and NDJSON parsers share: the bytes fed and how far they are read, suspension by the listener, and the
 * loop that reads while not suspended. A subclass reads input one step at a time ({@link #consume()}) and, once the
 * input has ended, finishes what it holds ({@link #finishInput()}); then the listener hears the end, once.
 */
abstract class PushParser implements BodyParser {

    protected final ImportBodyParser.Listener listener;
    /** The bytes fed last, read from {@link #pos} on. */
    protected byte[] input;

    protected int pos;
    private boolean ended;
    private boolean done;
    private boolean suspended;
    private boolean running;

    PushParser(ImportBodyParser.Listener listener) {
        this.listener = listener;
    }

    /** Reads at least one byte of {@code input} from {@code pos}. */
    protected abstract void consume();

    /** After the last byte: does one more piece of what is left (true), or says that nothing is (false). */
    protected abstract boolean finishInput();

    @Override
    public boolean needsInput() {
        return input == null || pos >= input.length;
    }

    @Override
    public void feed(byte[] bytes) {
        input = bytes;
        pos = 0;
        run();
    }

    @Override
    public void endOfInput() {
        ended = true;
        run();
    }

    @Override
    public void suspend() {
        suspended = true;
    }

    @Override
    public void resume() {
        suspended = false;
        run();
    }

    @Override
    public boolean suspended() {
        return suspended;
    }

    @Override
    public boolean seenRecords() {
        return true; // a CSV or NDJSON body is nothing but records
    }

    private void run() {
        if (running) {
            return; // resume() from inside a listener call: the running loop goes on by itself
        }
        running = true;
        try {
            while (!suspended) {
                if (input != null && pos < input.length) {
                    consume();
                } else if (!ended || done) {
                    return;
                } else if (!finishInput()) {
                    done = true;
                    listener.end();
                    return;
                }
            }
        } finally {
            running = false;
        }
    }
}
