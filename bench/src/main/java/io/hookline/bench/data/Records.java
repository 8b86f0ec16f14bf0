package io.hookline.bench.data;

/**
 * The generated records: about 250 bytes of JSON each, the same for the same index, so that every scenario and every
 * ceiling handles the same bytes. The CSV form has the same keys, as strings.
 */
public final class Records {

    /** Bytes of one record as JSON. */
    public static final int RECORD_BYTES = 250;

    public static final String[] KEYS = {"id", "email", "firstName", "lastName", "city", "plan", "score", "note"};

    private static final String ALPHA = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 -_.";
    private static final String[] FIRST = {"Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Margaret", "Ken"};
    private static final String[] LAST = {"Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Knuth", "Hamilton"};
    private static final String[] CITY = {"London", "Paris", "Berlin", "Lisbon", "Oslo", "Vienna", "Madrid", "Rome"};

    private Records() {}

    /** Record {@code i} as a JSON object. */
    public static void json(StringBuilder sb, int i) {
        int start = sb.length();
        jsonHead(sb, i);
        note(sb, i, RECORD_BYTES - (sb.length() - start) - 2);
        sb.append("\"}");
    }

    /** Everything of the JSON form up to the note's text. */
    private static void jsonHead(StringBuilder sb, int i) {
        sb.append("{\"id\":")
                .append(i)
                .append(",\"email\":\"user")
                .append(i)
                .append("@example.com\",\"firstName\":\"")
                .append(FIRST[i % FIRST.length])
                .append("\",\"lastName\":\"")
                .append(LAST[(i / 7) % LAST.length])
                .append("\",\"city\":\"")
                .append(CITY[(i / 3) % CITY.length])
                .append("\",\"plan\":\"")
                .append(plan(i))
                .append("\",\"score\":")
                .append(score(i))
                .append(",\"note\":\"");
    }

    /** Record {@code i} as a CSV row (CRLF-terminated) in the order of {@link #KEYS}; no cell needs quoting. */
    public static void csv(StringBuilder sb, int i) {
        sb.append(i)
                .append(",user")
                .append(i)
                .append("@example.com,")
                .append(FIRST[i % FIRST.length])
                .append(',')
                .append(LAST[(i / 7) % LAST.length])
                .append(',')
                .append(CITY[(i / 3) % CITY.length])
                .append(',')
                .append(plan(i))
                .append(',')
                .append(score(i))
                .append(',');
        // the same note as the JSON form, so both forms carry the same values
        StringBuilder head = new StringBuilder(128);
        jsonHead(head, i);
        note(sb, i, RECORD_BYTES - head.length() - 2);
        sb.append("\r\n");
    }

    private static String plan(int i) {
        return (i & 1) == 0 ? "pro" : "free";
    }

    private static double score(int i) {
        return (i * 7919L) % 1000 / 10.0;
    }

    private static void note(StringBuilder sb, int i, int length) {
        for (int k = 0; k < length; k++) {
            sb.append(ALPHA.charAt((i + k * 31) % ALPHA.length()));
        }
    }
}
