/*
 * Test probe run inside containers by the engine's tests: each command tries one thing and
 * prints "<what> ok" or "<what> <ERRNO>", so tests assert on what the kernel really allowed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/reboot.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

static int report(const char *what, long r)
{
    if (r < 0)
        printf("%s %s\n", what, strerrorname_np(errno));
    else
        printf("%s ok\n", what);
    fflush(stdout);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return 2;
    const char *cmd = argv[1];
    if (!strcmp(cmd, "raw"))
        return report("raw", socket(AF_INET, SOCK_RAW, IPPROTO_ICMP));
    if (!strcmp(cmd, "inet"))
        return report("inet", socket(AF_INET, SOCK_STREAM, 0));
    if (!strcmp(cmd, "inet6"))
        return report("inet6", socket(AF_INET6, SOCK_STREAM, 0));
    if (!strcmp(cmd, "procsys"))
        return report("procsys", open("/proc/sys/kernel/hostname", O_WRONLY));
    if (!strcmp(cmd, "mount"))
        return report("mount", mount("none", "/tmp", "tmpfs", 0, NULL));
    if (!strcmp(cmd, "finit_module"))
        return report("finit_module", syscall(SYS_finit_module, 0, "", 0));
    if (!strcmp(cmd, "init_module"))
        return report("init_module", syscall(SYS_init_module, NULL, 0, ""));
    if (!strcmp(cmd, "kexec"))
        return report("kexec", syscall(SYS_kexec_load, 0, 0, NULL, 0));
    if (!strcmp(cmd, "reboot"))
        return report("reboot", syscall(SYS_reboot, LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2,
                                        LINUX_REBOOT_CMD_CAD_OFF, NULL));
    if (!strcmp(cmd, "unshare"))
        return report("unshare", unshare(CLONE_NEWUSER));
    if (!strcmp(cmd, "clone_newns")) {
        long r = syscall(SYS_clone, CLONE_NEWNS | SIGCHLD, NULL, NULL, NULL, 0);
        if (r == 0)
            _exit(0);
        return report("clone_newns", r);
    }
    if (!strcmp(cmd, "sysrq")) {
        int fd = open("/proc/sysrq-trigger", O_WRONLY);
        if (fd >= 0) {
            /* never actually write a command: opening for write is already the failure */
            close(fd);
        }
        return report("sysrq", fd);
    }
    if (!strcmp(cmd, "hog")) {
        long mb = argc > 2 ? atol(argv[2]) : 100;
        for (long i = 0; i < mb; i++) {
            char *p = malloc(1 << 20);
            if (!p)
                return report("hog", -1);
            memset(p, 1, 1 << 20);
            if (i % 10 == 0) {
                printf("hog %ld MB\n", i);
                fflush(stdout);
            }
        }
        printf("hog done\n");
        return 0;
    }
    if (!strcmp(cmd, "forkbomb")) {
        long want = argc > 2 ? atol(argv[2]) : 1000;
        long n = 0;
        for (; n < want; n++) {
            pid_t p = fork();
            if (p < 0)
                break;
            if (p == 0) {
                pause();
                _exit(0);
            }
        }
        printf("forked %ld %s\n", n, n < want ? strerrorname_np(errno) : "all");
        fflush(stdout);
        return 0;
    }
    if (!strcmp(cmd, "spin")) {
        volatile unsigned long x = 0;
        for (;;)
            x++;
    }
    fprintf(stderr, "unknown probe %s\n", cmd);
    return 2;
}
