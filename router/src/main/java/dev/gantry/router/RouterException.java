package dev.gantry.router;

/**
 * The router's one unchecked exception. The {@link Code} says what kind of failure it is, so
 * callers (the admin API, the main class) map it to a status or an exit without parsing messages.
 */
public class RouterException extends RuntimeException {

    /** What went wrong, coarse enough to map to an HTTP status in one place. */
    public enum Code {
        /** A route table that does not validate: bad names, ports, duplicate hostnames. */
        INVALID_TABLE,
        /** A route table older than the one in force (the platform sent an out-of-date version). */
        STALE_VERSION,
        /** Reading or writing the saved route table failed. */
        STATE_IO,
        /** A listener could not be bound or the router could not start. */
        START_FAILED
    }

    private final Code code;

    public RouterException(Code code, String message) {
        super(message);
        this.code = code;
    }

    public RouterException(Code code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public Code code() {
        return code;
    }
}
