package dev.gantry.build;

import java.util.List;

/**
 * The app could not be built: no buildpack detected it, compile failed, or the build hit a limit.
 * {@link #code()} is the reason; {@link #exitCode()} is the failing step's exit status (-1 when
 * not applicable) and {@link #lastLines()} the end of its output, for the push's error message.
 */
public class BuildFailedException extends BuildException {

    private final int exitCode;
    private final List<String> lastLines;

    public BuildFailedException(BuildErrorCode code, String message, int exitCode, List<String> lastLines) {
        super(code, message);
        this.exitCode = exitCode;
        this.lastLines = List.copyOf(lastLines);
    }

    public int exitCode() {
        return exitCode;
    }

    public List<String> lastLines() {
        return lastLines;
    }
}
