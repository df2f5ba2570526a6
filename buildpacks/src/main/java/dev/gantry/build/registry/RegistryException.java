package dev.gantry.build.registry;

/** A push that could not be done; the message names the registry and what it answered. */
public class RegistryException extends RuntimeException {

    private final int status;

    public RegistryException(String message, int status, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    /** The registry's HTTP status, or 0 if it could not be reached. */
    public int status() {
        return status;
    }
}
