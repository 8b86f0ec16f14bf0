package io.hookline.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntFunction;

/**
 * A {@code POST /v1/imports} written by hand on a socket, so that a test decides when each byte goes out: slow
 * clients, uploads held open half-way, bodies streamed as they are made. The body is sent chunked (its length need
 * not be known).
 */
public final class RawUpload implements AutoCloseable {

    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;

    private RawUpload(Socket socket) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
        this.in = socket.getInputStream();
    }

    /** Connects and sends the request head; {@code apiKey} may be null; extra headers as name, value pairs. */
    public static RawUpload open(String base, String apiKey, String... headers) {
        URI uri = URI.create(base);
        try {
            RawUpload upload = new RawUpload(new Socket(uri.getHost(), uri.getPort()));
            StringBuilder head = new StringBuilder("POST /v1/imports HTTP/1.1\r\nHost: " + uri.getHost()
                    + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n");
            if (apiKey != null) {
                head.append("Authorization: Bearer ").append(apiKey).append("\r\n");
            }
            for (int i = 0; i + 1 < headers.length; i += 2) {
                head.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
            }
            upload.out.write(head.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
            upload.out.flush();
            return upload;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void write(String text) {
        write(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Sends one chunk of the body. */
    public void write(byte[] bytes) {
        write(bytes, 0, bytes.length);
    }

    public void write(byte[] bytes, int offset, int length) {
        if (length == 0) {
            return;
        }
        try {
            out.write((Integer.toHexString(length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(bytes, offset, length);
            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Ends the body. */
    public void finish() {
        try {
            out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Ends the body and reads the answer. */
    public Api.Response finishAndRead(Duration timeout) {
        finish();
        Api.Response r = responseWithin(timeout);
        if (r == null) {
            throw new AssertionError("no answer within " + timeout.toMillis() + " ms");
        }
        return r;
    }

    /**
     * Sends {@code next} each time {@code pace} passes without an answer, until the server answers (or {@code limit}
     * parts were sent: then null). The wait for the answer is the client's pace. A write refused because the server
     * closed the connection after answering is fine: the answer is still read.
     */
    public Api.Response sendUntilAnswered(IntFunction<String> next, Duration pace, int limit) {
        for (int i = 0; i < limit; i++) {
            Api.Response answer = responseWithin(pace);
            if (answer != null) {
                return answer;
            }
            try {
                write(next.apply(i));
            } catch (UncheckedIOException closedAfterAnswering) {
                return responseWithin(Duration.ofSeconds(10));
            }
        }
        return null;
    }

    /** The answer, when its first byte arrives within {@code wait}; null when none came by then. */
    public Api.Response responseWithin(Duration wait) {
        try {
            socket.setSoTimeout((int) Math.max(1, wait.toMillis()));
            int first;
            try {
                first = in.read();
            } catch (SocketTimeoutException e) {
                return null;
            }
            if (first < 0) {
                throw new AssertionError("the server closed the connection without an answer");
            }
            socket.setSoTimeout(10_000);
            return readResponse(first);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Api.Response readResponse(int first) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        head.write(first);
        while (!endsWithBlankLine(head)) {
            int b = in.read();
            if (b < 0) {
                throw new AssertionError("the answer ends inside its head: " + head);
            }
            head.write(b);
        }
        String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.computeIfAbsent(lines[i].substring(0, colon).trim(), k -> new ArrayList<>())
                        .add(lines[i].substring(colon + 1).trim());
            }
        }
        List<String> length = headers.get("Content-Length");
        String body = "";
        if (length != null) {
            body = new String(in.readNBytes(Integer.parseInt(length.get(0))), StandardCharsets.UTF_8);
        }
        return new Api.Response(status, HttpHeaders.of(headers, (a, b) -> true), body);
    }

    private static boolean endsWithBlankLine(ByteArrayOutputStream head) {
        byte[] b = head.toByteArray();
        int n = b.length;
        return n >= 4 && b[n - 4] == '\r' && b[n - 3] == '\n' && b[n - 2] == '\r' && b[n - 1] == '\n';
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing a socket the server may have closed first
        }
    }
}
