package dev.gantry.engine.sys;

import jnr.ffi.annotations.SaveError;

/**
 * The few libc calls the engine makes from the JVM. Public only because jnr-ffi generates the
 * implementation in its own class loader; callers use {@link Syscalls}, which checks errno.
 */
public interface LibC {

    @SaveError
    int mount(String source, String target, String type, long flags, String data);

    @SaveError
    int umount2(String target, int flags);

    @SaveError
    int kill(int pid, int sig);

    @SaveError
    int mkfifo(String path, int mode);

    @SaveError
    int open(String path, int flags, int mode);

    @SaveError
    long read(int fd, byte[] buf, long count);

    int close(int fd);

    /** Raw syscall(2), for pidfd_open / pidfd_send_signal which glibc 2.36 does not wrap portably. */
    @SaveError
    long syscall(long number, long a1, long a2, long a3, long a4);

    int geteuid();

    @SaveError
    int socket(int domain, int type, int protocol);

    @SaveError
    long send(int fd, byte[] buf, long len, int flags);

    @SaveError
    long recv(int fd, byte[] buf, long len, int flags);

    @SaveError
    int setns(int fd, int nstype);

    @SaveError
    int getrlimit(int resource, long[] rlim);

    String strerror(int errnum);
}
