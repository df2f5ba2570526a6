package dev.gantry.platform.db;

/** The platform's database could not be started, reached or configured; the message says what to do. */
public class DatabaseException extends RuntimeException {
    public DatabaseException(String message) {
        super(message);
    }

    public DatabaseException(String message, Throwable cause) {
        super(message, cause);
    }
}
