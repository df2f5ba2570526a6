/* The last steps before execve, shared by the container init and `exec`. */
#include "shim.h"

#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef PR_CAP_AMBIENT
#define PR_CAP_AMBIENT 47
#define PR_CAP_AMBIENT_RAISE 2
#endif

void reset_signals(void)
{
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    /* The shim ignores SIGPIPE; an ignored disposition would survive execve. */
    for (int s = 1; s < NSIG; s++)
        signal(s, SIG_DFL);
}

void apply_rlimits(const struct conf *c)
{
    for (int i = 0; i < c->nrlimits; i++) {
        struct rlimit rl = {c->rlimits[i].soft, c->rlimits[i].hard};
        if (setrlimit(c->rlimits[i].resource, &rl) < 0) {
            struct rlimit cur;
            getrlimit(c->rlimits[i].resource, &cur);
            die("setrlimit %d soft=%llu hard=%llu (current hard %llu; raising a hard limit needs "
                "CAP_SYS_RESOURCE): %s", c->rlimits[i].resource,
                (unsigned long long)rl.rlim_cur, (unsigned long long)rl.rlim_max,
                (unsigned long long)cur.rlim_max, strerror(errno));
        }
    }
}

static int last_cap(void)
{
    char *s = read_all("/proc/sys/kernel/cap_last_cap", NULL);
    int n = s ? atoi(s) : 40;
    free(s);
    return n > 0 && n < 64 ? n : 40;
}

/*
 * Order matters: the bounding set can only be reduced while we still hold CAP_SETPCAP (as
 * root, before setuid); KEEPCAPS keeps the permitted set across setuid so capset can then
 * install exactly the spec's sets for the new user; ambient caps last (they need both
 * permitted and inheritable).
 */
void apply_credentials(const struct conf *c)
{
    if (c->have_caps) {
        int last = last_cap();
        for (int i = 0; i <= last; i++)
            if (!(c->cap_bounding & (1ULL << i)) && prctl(PR_CAPBSET_DROP, i, 0, 0, 0) < 0 &&
                errno != EINVAL)
                die("prctl PR_CAPBSET_DROP %d: %s", i, strerror(errno));
    }
    if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
        die("prctl PR_SET_KEEPCAPS: %s", strerror(errno));
    if (setgroups((size_t)c->ngroups, c->groups) < 0 && !(errno == EPERM && c->ngroups == 0))
        die("setgroups: %s", strerror(errno));
    if (setresgid(c->gid, c->gid, c->gid) < 0)
        die("setresgid %u: %s", (unsigned)c->gid, strerror(errno));
    if (setresuid(c->uid, c->uid, c->uid) < 0)
        die("setresuid %u: %s", (unsigned)c->uid, strerror(errno));
    if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
        die("prctl PR_SET_KEEPCAPS: %s", strerror(errno));
    if (c->have_caps) {
        struct __user_cap_header_struct hdr = {_LINUX_CAPABILITY_VERSION_3, 0};
        struct __user_cap_data_struct data[2];
        memset(data, 0, sizeof(data));
        for (int i = 0; i < 2; i++) {
            data[i].effective = (uint32_t)(c->cap_effective >> (32 * i));
            data[i].permitted = (uint32_t)(c->cap_permitted >> (32 * i));
            data[i].inheritable = (uint32_t)(c->cap_inheritable >> (32 * i));
        }
        if (syscall(SYS_capset, &hdr, data) < 0)
            die("capset: %s", strerror(errno));
        for (int i = 0; i < 64; i++)
            if ((c->cap_ambient & (1ULL << i)) &&
                prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, i, 0, 0) < 0)
                die("prctl PR_CAP_AMBIENT_RAISE %d: %s", i, strerror(errno));
    }
    if (c->nnp && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
        die("prctl PR_SET_NO_NEW_PRIVS: %s", strerror(errno));
    /* setuid cleared "dumpable", which would make /proc/self/fd (the exec FIFO) unreachable
     * for the new user; execve of an ordinary binary sets it back anyway. */
    if (prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) < 0)
        die("prctl PR_SET_DUMPABLE: %s", strerror(errno));
    if (c->umask >= 0)
        umask((mode_t)c->umask);
}

/* The program was compiled by the Java side (dev.gantry.engine.security.SeccompCompiler). */
struct sock_fprog *seccomp_load_file(const char *path)
{
    if (!path)
        return NULL;
    size_t len;
    char *buf = read_all(path, &len);
    if (!buf)
        die("open seccomp program %s: %s", path, strerror(errno));
    if (len == 0 || len % sizeof(struct sock_filter) != 0)
        die("seccomp program %s: size %zu is not a multiple of 8", path, len);
    struct sock_fprog *prog = xrealloc(NULL, sizeof(*prog));
    prog->len = (unsigned short)(len / sizeof(struct sock_filter));
    prog->filter = (struct sock_filter *)buf;
    return prog;
}

void apply_seccomp(struct sock_fprog *prog)
{
    if (prog && prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, prog, 0, 0) < 0)
        die("prctl PR_SET_SECCOMP: %s", strerror(errno));
}

static const char *env_path(const struct conf *c)
{
    for (int i = 0; i < c->nenvp; i++)
        if (!strncmp(c->envp[i], "PATH=", 5))
            return c->envp[i] + 5;
    return "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
}

/* Like execvpe, but PATH comes from the container's environment, not ours. */
void exec_process(const struct conf *c)
{
    const char *file = c->argv[0];
    if (strchr(file, '/')) {
        execve(file, c->argv, c->envp);
        die("exec %s: %s", file, strerror(errno));
    }
    const char *path = env_path(c);
    int saved = ENOENT;
    while (*path) {
        const char *colon = strchr(path, ':');
        size_t dlen = colon ? (size_t)(colon - path) : strlen(path);
        char full[4096];
        snprintf(full, sizeof(full), "%.*s/%s", (int)dlen, dlen ? path : ".", file);
        execve(full, c->argv, c->envp);
        if (errno != ENOENT && errno != ENOTDIR)
            saved = errno;
        path += dlen + (colon ? 1 : 0);
        if (!colon)
            break;
    }
    die("exec %s: %s", file, strerror(saved));
}
