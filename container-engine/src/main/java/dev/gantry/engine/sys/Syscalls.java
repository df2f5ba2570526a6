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

    private static final long SYS_PIDFD_SEND_SIGNAL = 424;
    private static final long SYS_PIDFD_OPEN = 434;
    private static final int ENOSYS = 38;

    /**
     * Signals {@code pid} only if it is still the process that started at {@code startTime}:
     * a pidfd pins the process, so checking the start time after opening it closes the race in
     * which the pid is reused between the check and the kill.
     *
     * @return false if that process no longer exists (or its start time was never known)
     */
    public static boolean killExact(int pid, long startTime, int signal) {
        if (pid <= 0) {
            throw new IllegalArgumentException("refusing to signal pid " + pid);
        }
        if (startTime < 0) {
            return false; // it died before we could identify it: the pid may belong to anyone now
        }
        long fd = LIBC.syscall(SYS_PIDFD_OPEN, pid, 0, 0, 0);
        if (fd < 0) {
            int errno = RUNTIME.getLastError();
            if (errno == Errno.ESRCH) {
                return false;
            }
            if (errno == ENOSYS) { // kernel < 5.3: best effort
                return ProcFs.isAlive(pid, startTime) && kill(pid, signal);
            }
            throw error("pidfd_open", "pid " + pid, errno);
        }
        try {
            if (ProcFs.startTime(pid) != startTime) {
                return false;
            }
            if (LIBC.syscall(SYS_PIDFD_SEND_SIGNAL, fd, signal, 0, 0) == 0) {
                return true;
            }
            int errno = RUNTIME.getLastError();
            if (errno == Errno.ESRCH) {
                return false;
            }
            throw error("pidfd_send_signal", "pid " + pid, errno);
        } finally {
            LIBC.close((int) fd);
        }
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

    /** A socket; close it with {@link #close}. */
    public static int socket(int domain, int type, int protocol, String what) {
        int fd = LIBC.socket(domain, type, protocol);
        check(fd, "socket", what);
        return fd;
    }

    public static void send(int fd, byte[] buf, int len, String what) {
        long n = LIBC.send(fd, buf, len, 0);
        check(n, "send", what);
        if (n != len) {
            throw new SyscallException("send", what + " (short write " + n + " of " + len + ")", Errno.EINVAL, "short write");
        }
    }

    /** @return bytes received (EINTR is retried) */
    public static int recv(int fd, byte[] buf, String what) {
        while (true) {
            long n = LIBC.recv(fd, buf, buf.length, 0);
            if (n >= 0) {
                return (int) n;
            }
            int errno = RUNTIME.getLastError();
            if (errno != Errno.EINTR) {
                throw error("recv", what, errno);
            }
        }
    }

    /** setns(2) for the calling thread only; a network namespace may be switched per thread. */
    public static void setns(int fd, int nstype, String what) {
        check(LIBC.setns(fd, nstype), "setns", what);
    }

    public static String strerror(int errno) {
        return LIBC.strerror(errno);
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
