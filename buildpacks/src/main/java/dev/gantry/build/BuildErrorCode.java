package dev.gantry.build;

/** What kind of failure a {@link BuildException} reports; the platform maps these to messages or HTTP. */
public enum BuildErrorCode {
    /** No buildpack detected the app; the message lists what was looked for. */
    NO_DETECT,
    /** A buildpack's bin/compile exited non-zero; the message has the exit code and last lines. */
    COMPILE_FAILED,
    /** bin/release failed or printed something that is not the expected YAML. */
    RELEASE_FAILED,
    /** The build ran past its wall-clock limit and was killed. */
    TIMEOUT,
    /** The build ran out of its memory limit and the kernel killed it. */
    OOM,
    /** A buildpack could not be resolved (unknown name, missing directory, git clone failed). */
    BUILDPACK_NOT_FOUND,
    /** An archive or source tree holds something unsafe (a path escaping its root, a device file). */
    UNSAFE_CONTENT,
    /** The image store has no image or blob with that digest. */
    IMAGE_NOT_FOUND,
    /** The request or stored data is malformed. */
    INVALID,
    /** The container engine failed to run the build container. */
    ENGINE,
    /** Reading or writing Gantry's own files failed. */
    IO
}
