package dev.gantry.engine.sys;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;

/**
 * Host-side system calls, the only place the engine touches jnr-ffi. Every failure becomes a
 * {@link SyscallException} naming the call and the path.
 */
public final class Syscalls {

    public static final long MS_RDONLY = 1;
    public static final long MS_NOSUID = 2;
    public static final long MS_NODEV = 4;
    public static final long MS_NOEXEC = 8;
    public static final long MS_BIND = 4096;
    public static final long MS_REC = 16384;
    public static final long MS_PRIVATE = 1 << 18;
    public static final int MNT_DETACH = 2;

    public static final int O_RDONLY = 0;
    public static final int O_NONBLOCK = 04000;
    public static final int O_CLOEXEC = 02000000;

    public static final int RLIMIT_NOFILE = 7;

    private static final LibC LIBC = LibraryLoader.create(LibC.class).load("c");
    private static final Runtime RUNTIME = Runtime.getRuntime(LIBC);

    private Syscalls() {
    }

    public static void mount(String source, String target, String type, long flags, String data) {
        check(LIBC.mount(source, target, type, flags, data), "mount " + type, target);
    }

    public static void umount2(String target, int flags) {
        check(LIBC.umount2(target, flags), "umount2", target);
    }

    /** @return false if the process does not exist (ESRCH), true if signalled */
    public static boolean kill(int pid, int signal) {
        if (pid <= 0) {
            throw new IllegalArgumentException("refusing to signal pid " + pid);
        }
        if (LIBC.kill(pid, signal) == 0) {
            return true;
        }
        int errno = RUNTIME.getLastError();
        if (errno == Errno.ESRCH) {
            return false;
        }
        throw error("kill", "pid " + pid, errno);
    }

    public static void mkfifo(String path, int mode) {
        check(LIBC.mkfifo(path, mode), "mkfifo", path);
    }

    public static int open(String path, int flags) {
        int fd = LIBC.open(path, flags, 0);
        check(fd, "open", path);
        return fd;
    }

    /** @return bytes read, 0 at end of file, -1 if the read would block */
    public static int read(int fd, byte[] buf) {
        long n = LIBC.read(fd, buf, buf.length);
        if (n >= 0) {
            return (int) n;
        }
        int errno = RUNTIME.getLastError();
        if (errno == Errno.EAGAIN || errno == Errno.EINTR) {
            return -1;
        }
        throw error("read", "fd " + fd, errno);
    }

    public static void close(int fd) {
        LIBC.close(fd);
    }

    public static int geteuid() {
        return LIBC.geteuid();
    }

    /** @return {soft, hard} */
    public static long[] getrlimit(int resource) {
        long[] r = new long[2];
        check(LIBC.getrlimit(resource, r), "getrlimit", null);
        return r;
    }

    private static void check(long result, String call, String path) {
        if (result < 0) {
            throw error(call, path, RUNTIME.getLastError());
        }
    }

    private static SyscallException error(String call, String path, int errno) {
        return new SyscallException(call, path, errno, LIBC.strerror(errno));
    }
}
