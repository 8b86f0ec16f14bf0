package io.hookline.bench.process;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The ceiling of delivery: wrk POSTing one body over a fixed number of connections, requests per second. */
public final class Wrk {

    private static final Pattern RATE = Pattern.compile("Requests/sec:\\s+([0-9.]+)");

    private Wrk() {}

    public static double requestsPerSecond(Path work, String url, Path body, int threads, int connections, int secs)
            throws Exception {
        Path lua = work.resolve("post.lua");
        Files.writeString(
                lua,
                "wrk.method = \"POST\"\nwrk.headers[\"Content-Type\"] = \"application/json\"\n" + "local f = io.open(\""
                        + body + "\", \"rb\")\nwrk.body = f:read(\"*a\")\nf:close()\n");
        String out = Processes.exec(
                List.of("wrk", "-t" + threads, "-c" + connections, "-d" + secs + "s", "-s", lua.toString(), url),
                secs + 30);
        Matcher m = RATE.matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("no Requests/sec in wrk output: " + out);
        }
        return Double.parseDouble(m.group(1));
    }
}
