/*
 * `exec`: join a running container's namespaces and cgroups, then run one process.
 * This lives in C, not behind jnr-ffi, because setns into a mount namespace is refused to a
 * multi-threaded process such as a JVM.
 */
#include "shim.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static const struct {
    const char *name;
    int type;
} NAMESPACES[] = {
    /* user first: it grants the capabilities needed to join the others */
    {"user", CLONE_NEWUSER}, {"ipc", CLONE_NEWIPC}, {"uts", CLONE_NEWUTS},
    {"net", CLONE_NEWNET},   {"pid", CLONE_NEWPID}, {"cgroup", CLONE_NEWCGROUP},
    {"mnt", CLONE_NEWNS},
};
#define NNS (sizeof(NAMESPACES) / sizeof(NAMESPACES[0]))

static pid_t child;

static void forward(int sig)
{
    if (child > 0)
        kill(child, sig);
}

int exec_main(const char *conf_path)
{
    struct conf c;
    conf_load(&c, conf_path);
    if (c.nargv == 0)
        die("config %s: no arg directive", conf_path);
    if (c.target_pid <= 0)
        die("config %s: no pid directive", conf_path);
    struct sock_fprog *prog = seccomp_load_file(c.seccomp);

    int fds[NNS];
    for (size_t i = 0; i < NNS; i++) {
        char mine[64], theirs[64];
        snprintf(mine, sizeof(mine), "/proc/self/ns/%s", NAMESPACES[i].name);
        snprintf(theirs, sizeof(theirs), "/proc/%d/ns/%s", c.target_pid, NAMESPACES[i].name);
        struct stat a, b;
        fds[i] = -1;
        if (stat(theirs, &b) < 0)
            die("container init %d is gone (%s): %s", c.target_pid, theirs, strerror(errno));
        /* Joining our own namespace is an error for user namespaces; skip the ones we share. */
        if (stat(mine, &a) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev)
            continue;
        fds[i] = open(theirs, O_RDONLY | O_CLOEXEC);
        if (fds[i] < 0)
            die("open %s: %s", theirs, strerror(errno));
    }
    join_cgroups(&c);
    for (size_t i = 0; i < NNS; i++) {
        if (fds[i] >= 0 && setns(fds[i], NAMESPACES[i].type) < 0)
            die("setns %s namespace of pid %d: %s", NAMESPACES[i].name, c.target_pid, strerror(errno));
        if (fds[i] >= 0)
            close(fds[i]);
    }
    /* A new pid namespace applies to children only: fork so the process really is inside. */
    child = fork();
    if (child < 0)
        die("fork: %s", strerror(errno));
    if (child == 0) {
        reset_signals();
        apply_rlimits(&c);
        const char *cwd = c.cwd && *c.cwd ? c.cwd : "/";
        if (chdir(cwd) < 0)
            die("chdir %s: %s", cwd, strerror(errno));
        if (!c.nnp)
            apply_seccomp(prog);
        apply_credentials(&c);
        if (c.nnp)
            apply_seccomp(prog);
        exec_process(&c);
    }
    signal(SIGTERM, forward);
    signal(SIGINT, forward);
    signal(SIGHUP, forward);
    int st;
    while (waitpid(child, &st, 0) < 0)
        if (errno != EINTR)
            die("waitpid: %s", strerror(errno));
    _exit(WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
}
