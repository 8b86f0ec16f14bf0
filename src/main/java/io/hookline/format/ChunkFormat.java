package io.hookline.format;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A destination's {@code chunkFormat}, compiled: the webhook body becomes the format with {@code {{template}}},
 * {@code {{uploadId}}}, {@code {{data}}}, {@code {{totalRecords}}}, {@code {{totalPages}}}, {@code {{page}}},
 * {@code {{pageSize}}} and {@code {{extra}}} filled in by the rules of {@link RecordFormat} (any other name is
 * missing). An exact {@code "{{data}}"} is the page's array as stored, not copied: the body is a composite of the
 * small parts and the page.
 */
public final class ChunkFormat {

    private static final List<String> VARIABLES =
            List.of("template", "uploadId", "data", "totalRecords", "totalPages", "page", "pageSize", "extra");
    private static final int TEMPLATE = 0;
    private static final int UPLOAD_ID = 1;
    private static final int DATA = 2;
    private static final int TOTAL_RECORDS = 3;
    private static final int TOTAL_PAGES = 4;
    private static final int PAGE = 5;
    private static final int PAGE_SIZE = 6;
    private static final int EXTRA = 7;
    /** Formats compiled lately, by their stored text: every chunk of an import carries the same one. */
    private static final Map<String, ChunkFormat> CACHE = new ConcurrentHashMap<>();

    private static final int CACHE_SIZE = 256;

    private final FormatTemplate template;
    /** For each slot of the template, which variable it is; -1 for a name that is none. */
    private final int[] variable;

    private ChunkFormat(FormatTemplate template) {
        this.template = template;
        this.variable = template.names().stream().mapToInt(VARIABLES::indexOf).toArray();
    }

    public static ChunkFormat compile(JsonObject format) {
        return new ChunkFormat(FormatTemplate.compile(format));
    }

    /** The compiled format of its stored text (compact JSON); null for null. */
    public static ChunkFormat of(String stored) {
        if (stored == null) {
            return null;
        }
        ChunkFormat cached = CACHE.get(stored);
        if (cached == null) {
            if (CACHE.size() >= CACHE_SIZE) {
                CACHE.clear();
            }
            cached = compile(new JsonObject(stored));
            CACHE.put(stored, cached);
        }
        return cached;
    }

    /** The body of one chunk. {@code extra} is the import's extra as JSON, null when absent. */
    public Buffer body(
            String templateCode,
            String uploadId,
            Buffer data,
            long totalRecords,
            int totalPages,
            int page,
            int pageSize,
            Buffer extra) {
        byte[][] values = new byte[VARIABLES.size()][];
        List<ByteBuf> parts = new ArrayList<>(3);
        ByteBuf small = Unpooled.buffer(256);
        Out out = new Out(small);
        for (FormatTemplate.Part p : template.parts()) {
            if (p.literal() != null) {
                out.write(p.literal(), 0, p.literal().length);
                continue;
            }
            int v = variable[p.slot()];
            if (v == DATA && p.exact()) {
                parts.add(out.buf);
                parts.add(((BufferInternal) data).getByteBuf());
                out.buf = Unpooled.buffer(128);
                continue;
            }
            byte[] raw = v < 0 ? null : values[v];
            if (v >= 0 && raw == null) {
                raw = values[v] = raw(v, templateCode, uploadId, data, totalRecords, totalPages, page, pageSize, extra);
            }
            if (raw == null) {
                if (p.exact()) {
                    out.write(NULL, 0, 4);
                }
            } else if (p.exact()) {
                out.write(raw, 0, raw.length);
            } else {
                FormatTemplate.writeText(raw, 0, raw.length, out);
            }
        }
        parts.add(out.buf);
        return BufferInternal.buffer(Unpooled.wrappedBuffer(parts.toArray(ByteBuf[]::new)));
    }

    private static final byte[] NULL = {'n', 'u', 'l', 'l'};

    /** A variable's JSON text; null when it has none (no extra). */
    private static byte[] raw(
            int v,
            String templateCode,
            String uploadId,
            Buffer data,
            long totalRecords,
            int totalPages,
            int page,
            int pageSize,
            Buffer extra) {
        return switch (v) {
            case TEMPLATE -> Json.encode(templateCode).getBytes(StandardCharsets.UTF_8);
            case UPLOAD_ID -> Json.encode(uploadId).getBytes(StandardCharsets.UTF_8);
            case DATA -> data.getBytes();
            case TOTAL_RECORDS -> ascii(totalRecords);
            case TOTAL_PAGES -> ascii(totalPages);
            case PAGE -> ascii(page);
            case PAGE_SIZE -> ascii(pageSize);
            case EXTRA -> extra == null ? null : extra.getBytes();
            default -> null;
        };
    }

    private static byte[] ascii(long n) {
        return Long.toString(n).getBytes(StandardCharsets.US_ASCII);
    }

    private static final class Out implements FormatTemplate.Sink {
        ByteBuf buf;

        Out(ByteBuf buf) {
            this.buf = buf;
        }

        @Override
        public void write(byte[] bytes, int offset, int length) {
            buf.writeBytes(bytes, offset, length);
        }

        @Override
        public void writeByte(byte b) {
            buf.writeByte(b);
        }
    }
}
