package dev.gantry.engine;

/** What kind of failure an {@link EngineException} reports; callers map these (e.g. to HTTP). */
public enum ErrorCode {
    /** config.json is malformed or asks for something invalid; the message names the field. */
    INVALID_SPEC,
    /** No container with that id. */
    NOT_FOUND,
    /** The container id is already in use. */
    ALREADY_EXISTS,
    /** The operation does not fit the container's status (e.g. start on a running container). */
    INVALID_STATE,
    /** A system call failed; the message names the call and the path. */
    SYSCALL,
    /** The engine needs root (or a capability) it does not have. */
    NOT_ROOT,
    /** A kernel feature (cgroup controller, overlayfs, namespace) is missing. */
    KERNEL_FEATURE_MISSING,
    /** The native shim failed to set up the container; the message is the shim's. */
    SHIM,
    /** Reading or writing the engine's own files failed. */
    IO,
    /** Waiting for the container took longer than allowed. */
    TIMEOUT,
    /**
     * Setting up or tearing down a container's network failed (an {@code ip} or {@code nft}
     * command, a subnet that collides with a host route, an exhausted subnet); the message
     * names the command or the step.
     */
    NETWORK
}
