package io.hookline.http;

/**
 * A request the server refuses because of one field: the HTTP status (400 unless said otherwise), the field at fault
 * (the problem's errors[].field) and what is wrong with it. Thrown by whatever reads a request (query parameters, a
 * JSON body, an import body) and turned into its {@link #problem()} by whoever answers.
 */
public final class InvalidRequest extends RuntimeException {

    private final int status;
    private final String field;

    public InvalidRequest(String field, String message) {
        this(400, field, message);
    }

    public InvalidRequest(int status, String field, String message) {
        super(message, null, false, false);
        this.status = status;
        this.field = field;
    }

    public int status() {
        return status;
    }

    public String field() {
        return field;
    }

    public Problem problem() {
        return status == 400 ? Problem.invalid(field, getMessage()) : Problem.of(status, field, getMessage());
    }
}
