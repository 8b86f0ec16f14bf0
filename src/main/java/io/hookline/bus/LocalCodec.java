package io.hookline.bus;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageCodec;

/**
 * Passes message objects between verticles by reference: {@code transform} returns the same object, so records and
 * page bodies are never copied or re-encoded on the way. Local delivery only; it refuses the wire.
 */
public final class LocalCodec implements MessageCodec<Object, Object> {

    public static final String NAME = "hookline-local";
    public static final DeliveryOptions LOCAL =
            new DeliveryOptions().setCodecName(NAME).setLocalOnly(true);

    @Override
    public void encodeToWire(Buffer buffer, Object o) {
        throw new UnsupportedOperationException("hookline messages are local only");
    }

    @Override
    public Object decodeFromWire(int pos, Buffer buffer) {
        throw new UnsupportedOperationException("hookline messages are local only");
    }

    @Override
    public Object transform(Object o) {
        return o;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public byte systemCodecID() {
        return -1;
    }
}
