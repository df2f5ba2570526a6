package dev.gantry.git;

/**
 * The one unchecked exception of git-receiver. The {@link Code} says what went wrong so that each
 * transport maps it to its own answer in one place (an HTTP status, an SSH exit code, a rejected ref).
 */
public final class GitReceiveException extends RuntimeException {

    /** What went wrong, independent of the transport. */
    public enum Code {
        /** No credentials, or credentials that name no tenant. */
        UNAUTHENTICATED,
        /** The app does not exist or belongs to another tenant; deliberately indistinguishable. */
        NOT_FOUND,
        /** The request is malformed (bad path, bad name, unknown service). */
        BAD_REQUEST,
        /** The push is refused by a rule (branch, size, lock timeout) or by the deploy. */
        REJECTED,
        /** The repository or the export directory could not be read or written. */
        STORAGE
    }

    private final Code code;

    public GitReceiveException(Code code, String message) {
        super(message);
        this.code = code;
    }

    public GitReceiveException(Code code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public Code code() {
        return code;
    }
}
