package dev.gantry.engine;

/** The engine's one unchecked exception: a {@link ErrorCode} and a sentence a person understands. */
public class EngineException extends RuntimeException {

    private final ErrorCode code;

    public EngineException(ErrorCode code, String message) {
        super(message);
        this.code = code;
    }

    public EngineException(ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }
}
