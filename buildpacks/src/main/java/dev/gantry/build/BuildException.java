package dev.gantry.build;

/** The buildpacks module's one unchecked exception: a {@link BuildErrorCode} and a sentence a person understands. */
public class BuildException extends RuntimeException {

    private final BuildErrorCode code;

    public BuildException(BuildErrorCode code, String message) {
        super(message);
        this.code = code;
    }

    public BuildException(BuildErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public BuildErrorCode code() {
        return code;
    }
}
