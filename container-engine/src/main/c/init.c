/*
 * The container's init before execve: runs as the first process of the new namespaces,
 * builds the mount tree, pivots into it, drops privileges and waits on the exec FIFO.
 *
 * Mount targets are resolved relative to the working directory, which is the rootfs from
 * the moment it is bind-mounted: in a user namespace the init must create files as the
 * namespace's root (an unmapped owner fails with EOVERFLOW), and that user may not be able
 * to traverse the root-only state dir the rootfs lives in.
 */
#include "shim.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

static void create_target(const char *dst, int as_file)
{
    if (!as_file) {
        if (mkdir_p(dst, 0755) < 0)
            die("mkdir %s: %s", dst, strerror(errno));
        return;
    }
    char *parent = xstrdup(dst);
    char *slash = strrchr(parent, '/');
    if (slash && slash != parent) {
        *slash = 0;
        if (mkdir_p(parent, 0755) < 0)
            die("mkdir %s: %s", parent, strerror(errno));
    }
    free(parent);
    int fd = open(dst, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0 && errno != EISDIR)
        die("create %s: %s", dst, strerror(errno));
    if (fd >= 0)
        close(fd);
}

static void do_mount(const struct mnt *m)
{
    char *dst = secure_join(".", m->dst);
    int bind = (m->flags & MS_BIND) != 0;
    struct stat st;
    int as_file = bind && stat(m->src, &st) == 0 && !S_ISDIR(st.st_mode);
    create_target(dst, as_file);
    if (bind) {
        if (mount(m->src, dst, NULL, MS_BIND | (m->flags & MS_REC), NULL) < 0)
            die("mount bind %s to %s: %s", m->src, m->dst, strerror(errno));
        /* Flags like ro/nosuid only apply to a bind mount through a remount. */
        unsigned long rest = m->flags & ~(MS_BIND | MS_REC);
        if (rest && mount(m->src, dst, NULL, rest | MS_BIND | MS_REMOUNT, NULL) < 0)
            die("remount %s: %s", m->dst, strerror(errno));
    } else if (mount(m->src, dst, m->type, m->flags, m->data[0] ? m->data : NULL) < 0) {
        die("mount %s on %s (type %s, options %s): %s", m->src, m->dst, m->type, m->data,
            strerror(errno));
    }
    if (m->pflags && mount(NULL, dst, NULL, m->pflags, NULL) < 0)
        die("mount propagation %s: %s", m->dst, strerror(errno));
    free(dst);
}

/* Device nodes are bind mounts of the host's: that works in user namespaces too, where
 * mknod is not allowed, and the set (null, zero, full, random, urandom, tty) is harmless. */
static void bind_device(const char *path)
{
    char *dst = secure_join(".", path);
    create_target(dst, 1);
    if (mount(path, dst, NULL, MS_BIND, NULL) < 0)
        die("mount bind device %s: %s", path, strerror(errno));
    free(dst);
}

static void make_symlink(const char *target, const char *link)
{
    char *dst = secure_join(".", link);
    if (symlink(target, dst) < 0 && errno != EEXIST)
        die("symlink %s -> %s: %s", link, target, strerror(errno));
    free(dst);
}

static unsigned long locked_flags(const char *path)
{
    struct statvfs sv;
    unsigned long f = 0;
    if (statvfs(path, &sv) == 0) {
        if (sv.f_flag & ST_NOSUID) f |= MS_NOSUID;
        if (sv.f_flag & ST_NODEV) f |= MS_NODEV;
        if (sv.f_flag & ST_NOEXEC) f |= MS_NOEXEC;
    }
    return f;
}

static void readonly_path(const char *p)
{
    if (mount(p, p, NULL, MS_BIND | MS_REC, NULL) < 0) {
        if (errno == ENOENT)
            return;
        die("mount bind %s: %s", p, strerror(errno));
    }
    if (mount(p, p, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | locked_flags(p), NULL) < 0)
        die("remount read-only %s: %s", p, strerror(errno));
}

static void mask_path(const char *p)
{
    struct stat st;
    if (stat(p, &st) < 0)
        return;
    int r = S_ISDIR(st.st_mode) ? mount("tmpfs", p, "tmpfs", MS_RDONLY, "size=0")
                                : mount("/dev/null", p, NULL, MS_BIND, NULL);
    if (r < 0)
        die("mask %s: %s", p, strerror(errno));
}

static void write_sysctl(const char *key, const char *value)
{
    char path[512];
    snprintf(path, sizeof(path), "/proc/sys/%s", key);
    for (char *p = path + 10; *p; p++)
        if (*p == '.')
            *p = '/';
    if (write_file(path, value) < 0)
        die("sysctl %s=%s: %s", key, value, strerror(errno));
}

static void pivot_into(void)
{
    /* pivot_root(".", ".") stacks the old root under the new one; detaching it leaves the
     * container with no path back to the host's tree (runc does the same). */
    if (syscall(SYS_pivot_root, ".", ".") < 0)
        die("pivot_root: %s", strerror(errno));
    if (umount2(".", MNT_DETACH) < 0)
        die("umount old root: %s", strerror(errno));
    if (chdir("/") < 0)
        die("chdir /: %s", strerror(errno));
}

/* A new network namespace starts with "lo" down; runc and crun bring it up, and apps expect
 * 127.0.0.1 to work (health checks, sidecar-style local calls). */
static void loopback_up(void)
{
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        die("socket for loopback: %s", strerror(errno));
    struct ifreq ifr;
    memset(&ifr, 0, sizeof(ifr));
    strcpy(ifr.ifr_name, "lo");
    if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
        die("ioctl SIOCGIFFLAGS lo: %s", strerror(errno));
    ifr.ifr_flags |= IFF_UP;
    if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
        die("ioctl SIOCSIFFLAGS lo: %s", strerror(errno));
    close(fd);
}

static void send_line(int fd, const char *s)
{
    if (write(fd, s, strlen(s)) < 0)
        _exit(1);
}

int container_init(void *arg)
{
    struct init_args *a = arg;
    set_error_fd(a->sync_fd);
    reset_signals();
    for (int i = 0; i < a->nclose; i++)
        close(a->close_fds[i]);
    int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (devnull < 0 || dup2(devnull, 0) < 0 || dup2(a->stdout_fd, 1) < 0 || dup2(a->stderr_fd, 2) < 0)
        die("stdio: %s", strerror(errno));

    join_cgroups(a->conf); /* meanwhile, the shim waits for the engine's go */
    char go;
    if (read(a->sync_fd, &go, 1) != 1)
        _exit(1); /* the shim gave up on us */
    /* Written by the engine while the shim moved us into our cgroups; complete once "g" came. */
    struct conf full;
    conf_load(&full, a->init_conf);
    struct conf *c = &full;
    if (c->nargv == 0)
        die("config %s: no arg directive", a->init_conf);

    if (c->cgroupns && unshare(CLONE_NEWCGROUP) < 0)
        die("unshare cgroup namespace: %s", strerror(errno));
    if (c->clone_flags & CLONE_NEWNET)
        loopback_up();
    if (c->clone_flags & CLONE_NEWNS) {
        if (mount(NULL, "/", NULL, c->propagation ? c->propagation : MS_REC | MS_SLAVE, NULL) < 0)
            die("mount propagation /: %s", strerror(errno));
        if (mount(c->rootfs, c->rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
            die("mount bind rootfs %s: %s", c->rootfs, strerror(errno));
    }
    int fifo = open(c->fifo, O_PATH | O_CLOEXEC);
    if (fifo < 0)
        die("open exec fifo %s: %s", c->fifo, strerror(errno));
    struct sock_fprog *prog = seccomp_load_file(c->seccomp);
    if (chdir(c->rootfs) < 0)
        die("chdir %s: %s", c->rootfs, strerror(errno));
    if (c->clone_flags & CLONE_NEWUSER) {
        if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
            die("become root in the user namespace (is id 0 mapped?): %s", strerror(errno));
    }
    if (c->clone_flags & CLONE_NEWNS) {
        for (int i = 0; i < c->nmounts; i++)
            do_mount(&c->mounts[i]);
        for (int i = 0; i < c->ndevices; i++)
            bind_device(c->devices[i]);
        for (int i = 0; i < c->nsymlinks; i++)
            make_symlink(c->symlinks[i].key, c->symlinks[i].value);
        pivot_into();
        for (int i = 0; i < c->nsysctls; i++)
            write_sysctl(c->sysctls[i].key, c->sysctls[i].value);
        for (int i = 0; i < c->nmasks; i++)
            mask_path(c->masks[i]);
        for (int i = 0; i < c->nropaths; i++)
            readonly_path(c->ropaths[i]);
        if (c->readonly && mount("/", "/", NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | locked_flags("/"), NULL) < 0)
            die("remount / read-only: %s", strerror(errno));
    } else if (chroot(c->rootfs) < 0 || chdir("/") < 0) {
        die("chroot %s: %s", c->rootfs, strerror(errno));
    }
    if (c->hostname && sethostname(c->hostname, strlen(c->hostname)) < 0)
        die("sethostname %s: %s", c->hostname, strerror(errno));
    if (c->domainname && setdomainname(c->domainname, strlen(c->domainname)) < 0)
        die("setdomainname %s: %s", c->domainname, strerror(errno));
    if (c->have_oom_score_adj) {
        char v[32];
        snprintf(v, sizeof(v), "%d", c->oom_score_adj);
        if (write_file("/proc/self/oom_score_adj", v) < 0)
            die("write oom_score_adj %s: %s", v, strerror(errno));
    }
    apply_rlimits(c);
    const char *cwd = c->cwd && *c->cwd ? c->cwd : "/";
    if (chdir(cwd) < 0)
        die("chdir %s (process.cwd): %s", cwd, strerror(errno));

    /* Without no_new_privs, installing a filter needs CAP_SYS_ADMIN, which the credential
     * step may drop: then the filter goes in first (runc does the same). */
    if (!c->nnp)
        apply_seccomp(prog);
    apply_credentials(c);

    send_line(a->sync_fd, "ready\n");
    set_error_fd(2); /* from here on, failures belong in the container's log */
    char fdpath[64];
    snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", fifo);
    int w = open(fdpath, O_WRONLY | O_CLOEXEC); /* blocks until `start` opens the reader */
    if (w < 0)
        die("open exec fifo: %s", strerror(errno));
    if (write(w, "0", 1) != 1)
        die("write exec fifo: %s", strerror(errno));
    close(w);
    close(fifo);

    if (c->nnp)
        apply_seccomp(prog);
    exec_process(c);
}
