package io.hookline.ingest;

import io.hookline.http.InvalidRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

/**
 * What a {@link BodyParser} made of a body fed in slices: the records (as JSON text), whether it ended, or the
 * refusal. The listener suspends the parser after every {@code suspendEvery}-th record and the feeding loop resumes
 * it, as ImportUpload does while a batch of pages is written.
 */
record ParsedBody(List<String> records, boolean ended, InvalidRequest error) {

    /** The refusal as "field: message", or null: what parses of one body fed differently must agree on. */
    String refusal() {
        return error == null ? null : error.field() + ": " + error.getMessage();
    }

    /** Feeds {@code body} in slices of {@code slice} bytes (random sizes when slice is 0). */
    static ParsedBody parse(
            Function<ImportBodyParser.Listener, BodyParser> open, byte[] body, int slice, int suspendEvery, long seed) {
        Collector collector = new Collector(suspendEvery);
        BodyParser parser = open.apply(collector);
        collector.parser = parser;
        Random random = new Random(seed);
        try {
            int at = 0;
            while (at < body.length) {
                int n = slice > 0 ? slice : 1 + random.nextInt(Math.min(64, body.length - at));
                n = Math.min(n, body.length - at);
                while (parser.suspended()) {
                    parser.resume();
                }
                if (!parser.needsInput()) {
                    throw new AssertionError("the parser did not take the bytes it was fed while it was running");
                }
                parser.feed(Arrays.copyOfRange(body, at, at + n));
                at += n;
                while (!parser.needsInput()) {
                    if (!parser.suspended()) {
                        throw new AssertionError("the parser stopped short of its input without being suspended");
                    }
                    parser.resume();
                }
            }
            parser.endOfInput();
            while (parser.suspended()) {
                parser.resume();
            }
            return new ParsedBody(collector.records, collector.ended, null);
        } catch (InvalidRequest e) {
            return new ParsedBody(collector.records, collector.ended, e);
        }
    }

    static ParsedBody parse(Function<ImportBodyParser.Listener, BodyParser> open, String body, int slice) {
        return parse(open, body.getBytes(StandardCharsets.UTF_8), slice, 3, 1);
    }

    private static final class Collector implements ImportBodyParser.Listener {
        private final int suspendEvery;
        private final List<String> records = new ArrayList<>();
        private boolean ended;
        private BodyParser parser;

        Collector(int suspendEvery) {
            this.suspendEvery = suspendEvery;
        }

        @Override
        public void template(String code) {
            throw new AssertionError("template from a CSV or NDJSON body");
        }

        @Override
        public void uploadId(String uploadId) {
            throw new AssertionError("uploadId from a CSV or NDJSON body");
        }

        @Override
        public void authHeaderValue(String value) {
            throw new AssertionError("authHeaderValue from a CSV or NDJSON body");
        }

        @Override
        public void extra(byte[] json) {
            throw new AssertionError("extra from a CSV or NDJSON body");
        }

        @Override
        public void record(byte[] bytes, int length, long index) {
            if (parser.suspended()) {
                throw new AssertionError("a record while suspended");
            }
            if (index != records.size()) {
                throw new AssertionError("record index " + index + ", expected " + records.size());
            }
            records.add(new String(bytes, 0, length, StandardCharsets.UTF_8));
            if (suspendEvery > 0 && records.size() % suspendEvery == 0) {
                parser.suspend();
            }
        }

        @Override
        public void end() {
            if (ended) {
                throw new AssertionError("end() twice");
            }
            ended = true;
        }
    }
}
