package io.hookline.ingest;

/** An upload the server refuses: the HTTP status, the field at fault (as the problem's errors[].field) and why. */
public final class BadImportException extends RuntimeException {

  private final int status;
  private final String field;

  public BadImportException(int status, String field, String message) {
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
}
