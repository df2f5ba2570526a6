/*
 * gantry-shim create <state-dir>   start a container's init from <state-dir>/monitor.conf and move it
 *                                  into its cgroups; once a byte arrives on stdin (the engine has
 *                                  written init.conf and mounted the rootfs meanwhile), let it set
 *                                  itself up from <state-dir>/init.conf; print "ok <init-pid>
 *                                  <shim-pid>" or "error <message>" and exit, leaving a detached
 *                                  shim as the parent of the container init.
 * gantry-shim exec <conf>          run one more process inside a running container, in the
 *                                  foreground, exiting with its status.
 */
#include "shim.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define STACK_SIZE (1024 * 1024)

static long read_oom_kills(const char *path)
{
    if (!path)
        return 0;
    char *s = read_all(path, NULL);
    if (!s)
        return 0;
    long n = 0;
    char *p = strstr(s, "oom_kill ");
    if (p)
        n = strtol(p + 9, NULL, 10);
    free(s);
    return n;
}

static void write_id_map(pid_t pid, const char *file, const char *map)
{
    char path[64];
    snprintf(path, sizeof(path), "/proc/%d/%s", pid, file);
    if (write_file(path, map) < 0)
        die("write %s: %s", path, strerror(errno));
}

static void record_exit(const char *state_dir, pid_t pid, int status, int oom)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    int sig = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
    char json[256], path[4096];
    snprintf(json, sizeof(json),
             "{\"pid\":%d,\"exitCode\":%d,\"signal\":%d,\"oomKilled\":%s,"
             "\"finishedAt\":\"%04d-%02d-%02dT%02d:%02d:%02d.%09ldZ\"}\n",
             pid, code, sig, oom ? "true" : "false", tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec);
    snprintf(path, sizeof(path), "%s/exit.json", state_dir);
    if (write_file_atomic(path, json) < 0)
        fprintf(stderr, "gantry-shim: write %s: %s\n", path, strerror(errno));
}

/* Reads one line from the sync socket: "ready", "error <msg>" or EOF. */
static int read_sync(int fd, char *buf, size_t cap)
{
    size_t n = 0;
    while (n + 1 < cap) {
        ssize_t r = read(fd, buf + n, 1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        if (buf[n] == '\n')
            break;
        n++;
    }
    buf[n] = 0;
    return (int)n;
}

/* Tells the engine why the container could not be made, and ends this shim. */
static void give_up(pid_t child, int report_fd, const char *why)
{
    kill(child, SIGKILL);
    int st;
    waitpid(child, &st, 0);
    char msg[2300];
    if (why)
        snprintf(msg, sizeof(msg), "%s\n", why);
    else
        snprintf(msg, sizeof(msg), "error container init exited before it was ready (status %d)\n", st);
    (void)!write(report_fd, msg, strlen(msg));
    _exit(1);
}

static int monitor(struct conf *c, const char *state_dir, int report_fd, int go_fd)
{
    prctl(PR_SET_NAME, "gantry-shim", 0, 0, 0);
    signal(SIGPIPE, SIG_IGN);
    sigset_t chld;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    sigprocmask(SIG_BLOCK, &chld, NULL);
    int sfd = signalfd(-1, &chld, SFD_CLOEXEC | SFD_NONBLOCK);
    if (sfd < 0)
        die("signalfd: %s", strerror(errno));

    struct logger *log = log_open(c->log, c->log_max);
    int out[2], err[2], sync[2];
    if (pipe2(out, O_CLOEXEC) < 0 || pipe2(err, O_CLOEXEC) < 0 ||
        socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sync) < 0)
        die("pipe: %s", strerror(errno));

    /* Namespaces given by path (e.g. a network namespace prepared by the platform) are
     * joined here, so clone() below inherits them instead of creating new ones. */
    for (int i = 0; i < c->nsetns; i++) {
        int fd = open(c->setns[i].path, O_RDONLY | O_CLOEXEC);
        if (fd < 0 || setns(fd, c->setns[i].type) < 0)
            die("setns %s: %s", c->setns[i].path, strerror(errno));
        close(fd);
    }

    char init_conf[4096];
    snprintf(init_conf, sizeof(init_conf), "%s/init.conf", state_dir);
    struct init_args args = {.conf = c, .init_conf = init_conf, .sync_fd = sync[1], .stdout_fd = out[1],
                             .stderr_fd = err[1]};
    args.close_fds[args.nclose++] = go_fd;
    args.close_fds[args.nclose++] = sync[0];
    args.close_fds[args.nclose++] = out[0];
    args.close_fds[args.nclose++] = err[0];
    args.close_fds[args.nclose++] = report_fd;
    args.close_fds[args.nclose++] = sfd;
    char *stack = xrealloc(NULL, STACK_SIZE);
    pid_t child = clone(container_init, stack + STACK_SIZE, (int)(c->clone_flags | SIGCHLD), &args);
    if (child < 0)
        die("clone (namespaces 0x%lx): %s", c->clone_flags, strerror(errno));
    close(sync[1]);
    close(out[1]);
    close(err[1]);

    if (c->uidmap)
        write_id_map(child, "uid_map", c->uidmap);
    if (c->gidmap)
        write_id_map(child, "gid_map", c->gidmap);
    char pidstr[32];
    snprintf(pidstr, sizeof(pidstr), "%d", child);
    for (int i = 0; i < c->ncgprocs; i++)
        if (write_file(c->cgprocs[i], pidstr) < 0) {
            kill(child, SIGKILL);
            die("join cgroup %s: %s", c->cgprocs[i], strerror(errno));
        }
    long oom_before = read_oom_kills(c->oom_file);
    /* Joining the cgroups waits for an RCU grace period (cgroup v1): the engine mounts the
     * rootfs and writes init.conf meanwhile, then says go (EOF: it gave up). */
    char go;
    ssize_t r;
    while ((r = read(go_fd, &go, 1)) < 0 && errno == EINTR)
        ;
    if (r != 1)
        give_up(child, report_fd, "error the engine stopped creating the container");
    close(go_fd);
    if (write(sync[0], "g", 1) != 1)
        die("sync with container init: %s", strerror(errno));

    char line[2200];
    read_sync(sync[0], line, sizeof(line));
    if (strcmp(line, "ready") != 0)
        give_up(child, report_fd, strncmp(line, "error ", 6) ? NULL : line);
    char ok[64];
    snprintf(ok, sizeof(ok), "ok %d %d\n", child, getpid());
    (void)!write(report_fd, ok, strlen(ok));
    close(report_fd);

    struct pollfd pfd[4] = {
        {.fd = out[0], .events = POLLIN},
        {.fd = err[0], .events = POLLIN},
        {.fd = sfd, .events = POLLIN},
        {.fd = sync[0], .events = POLLIN},
    };
    int reaped = 0;
    char buf[65536];
    while (!reaped || pfd[0].fd >= 0 || pfd[1].fd >= 0) {
        if (poll(pfd, 4, -1) < 0) {
            if (errno == EINTR)
                continue;
            die("poll: %s", strerror(errno));
        }
        for (int s = 0; s < 2; s++) {
            if (pfd[s].fd < 0 || !pfd[s].revents)
                continue;
            ssize_t r = read(pfd[s].fd, buf, sizeof(buf));
            if (r > 0) {
                log_feed(log, s + 1, buf, (size_t)r);
            } else if (r == 0 || errno != EINTR) {
                log_flush(log, s + 1);
                close(pfd[s].fd);
                pfd[s].fd = -1;
            }
        }
        if (pfd[3].fd >= 0 && pfd[3].revents) {
            /* EOF once the init execs (the socket is close-on-exec). */
            if (read(pfd[3].fd, buf, sizeof(buf)) <= 0) {
                close(pfd[3].fd);
                pfd[3].fd = -1;
            }
        }
        if (pfd[2].revents) {
            struct signalfd_siginfo si;
            while (read(sfd, &si, sizeof(si)) == sizeof(si))
                ;
            int st;
            pid_t p;
            while ((p = waitpid(-1, &st, WNOHANG)) > 0) {
                if (p != child)
                    continue;
                /* OOM-killed = died of SIGKILL while the cgroup's OOM killer fired; a child
                 * killed by OOM does not make the init's own exit an OOM kill. */
                int oom = WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL &&
                          read_oom_kills(c->oom_file) > oom_before;
                record_exit(state_dir, child, st, oom);
                reaped = 1;
            }
        }
    }
    return 0;
}

static int create_main(const char *state_dir)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/monitor.conf", state_dir);
    int report[2];
    if (pipe2(report, O_CLOEXEC) < 0)
        die("pipe: %s", strerror(errno));
    struct conf c;
    conf_load(&c, path); /* errors go straight to our stdout reader */
    pid_t pid = fork();
    if (pid < 0)
        die("fork: %s", strerror(errno));
    if (pid == 0) {
        close(report[0]);
        set_error_fd(report[1]);
        /* Detach from the engine: own session, no inherited stdio, so the shim and the
         * container outlive the JVM (or CLI) that created them. */
        setsid();
        int go_fd = fcntl(0, F_DUPFD_CLOEXEC, 3); /* the engine's "go", before stdin is /dev/null */
        if (go_fd < 0)
            die("dup stdin: %s", strerror(errno));
        int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
        snprintf(path, sizeof(path), "%s/shim.log", state_dir);
        int slog = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
        if (devnull < 0 || slog < 0)
            die("open %s: %s", path, strerror(errno));
        dup2(devnull, 0);
        dup2(devnull, 1);
        dup2(slog, 2);
        close(devnull);
        close(slog);
        _exit(monitor(&c, state_dir, report[1], go_fd));
    }
    close(report[1]);
    char line[2300];
    int n = read_sync(report[0], line, sizeof(line));
    if (n == 0) {
        int st;
        waitpid(pid, &st, 0);
        printf("error shim exited without reporting (status %d)\n", st);
        return 1;
    }
    printf("%s\n", line);
    return strncmp(line, "ok ", 3) == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    if (argc == 3 && !strcmp(argv[1], "create")) {
        set_error_fd(1);
        return create_main(argv[2]);
    }
    if (argc == 3 && !strcmp(argv[1], "exec"))
        exec_main(argv[2]);
    fprintf(stderr, "usage: gantry-shim create <state-dir> | gantry-shim exec <conf>\n");
    return 2;
}
