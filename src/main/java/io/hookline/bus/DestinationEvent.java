package io.hookline.bus;

/**
 * Something happened to a destination that its owner must act on: new work (an import accepted, a redeliver), new
 * settings (a PUT, pause, resume, rotation, delete), or its lease given back by another instance. They come from
 * PostgreSQL notifications on the deployment's channel ({@code 'hookline_' || current_schema()}: one per schema),
 * sent in the same transaction as the change, so every
 * instance hears of every change within milliseconds; {@code RECONNECTED} says the listener was away and some may have
 * been missed.
 */
public record DestinationEvent(Kind kind, String template) {

    public enum Kind {
        WORK,
        SETTINGS,
        RELEASED,
        RECONNECTED
    }

    public static DestinationEvent work(String template) {
        return new DestinationEvent(Kind.WORK, template);
    }

    /** Reads a notification's payload ({@code work:CODE}, {@code settings:CODE}, {@code released:CODE}); null if not one. */
    public static DestinationEvent parse(String payload) {
        int colon = payload.indexOf(':');
        if (colon < 0) {
            return null;
        }
        String template = payload.substring(colon + 1);
        return switch (payload.substring(0, colon)) {
            case "work" -> new DestinationEvent(Kind.WORK, template);
            case "settings" -> new DestinationEvent(Kind.SETTINGS, template);
            case "released" -> new DestinationEvent(Kind.RELEASED, template);
            default -> null;
        };
    }
}
