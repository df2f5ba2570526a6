package dev.gantry.engine.sys;

import dev.gantry.engine.EngineException;
import dev.gantry.engine.ErrorCode;

/** A failed system call: "mount /x: EPERM (Operation not permitted)". */
public final class SyscallException extends EngineException {

    private final String call;
    private final String path;
    private final int errno;

    public SyscallException(String call, String path, int errno, String description) {
        super(errno == Errno.EPERM ? ErrorCode.NOT_ROOT : ErrorCode.SYSCALL,
                call + (path == null ? "" : " " + path) + ": " + Errno.name(errno) + " (" + description + ")");
        this.call = call;
        this.path = path;
        this.errno = errno;
    }

    public String call() {
        return call;
    }

    public String path() {
        return path;
    }

    public int errno() {
        return errno;
    }
}
