#include "shim.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int error_fd = 2;

/* Errors travel as one line "error <message>" on the sync socket (or stderr), so the Java
 * side can show exactly which step failed, like runc's "mount /x: EPERM". */
void set_error_fd(int fd)
{
    error_fd = fd;
}

void die(const char *fmt, ...)
{
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(msg, sizeof(msg) - 2, fmt, ap);
    va_end(ap);
    if (n < 0)
        n = 0;
    if (n > (int)sizeof(msg) - 2)
        n = sizeof(msg) - 2;
    msg[n++] = '\n';
    char line[2100];
    int m = snprintf(line, sizeof(line), "error %.*s", n, msg);
    if (write(error_fd, line, (size_t)m) < 0 && error_fd != 2)
        (void)!write(2, line, (size_t)m);
    _exit(1);
}

char *xstrdup(const char *s)
{
    char *r = strdup(s ? s : "");
    if (!r)
        die("out of memory");
    return r;
}

void *xrealloc(void *p, size_t n)
{
    void *r = realloc(p, n ? n : 1);
    if (!r)
        die("out of memory");
    return r;
}

int mkdir_p(const char *path, mode_t mode)
{
    char buf[PATH_MAX];
    if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf)) {
        errno = ENAMETOOLONG;
        return -1;
    }
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = 0;
        if (mkdir(buf, mode) < 0 && errno != EEXIST)
            return -1;
        *p = '/';
    }
    if (mkdir(buf, mode) < 0 && errno != EEXIST)
        return -1;
    return 0;
}

int write_file(const char *path, const char *data)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    size_t len = strlen(data);
    ssize_t w = write(fd, data, len);
    int saved = errno;
    close(fd);
    errno = saved;
    return w == (ssize_t)len ? 0 : -1;
}

/* The Java side polls these files: a reader must never see half a record. */
int write_file_atomic(const char *path, const char *data)
{
    char tmp[PATH_MAX];
    snprintf(tmp, sizeof(tmp), "%s.tmp", path);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return -1;
    size_t len = strlen(data);
    ssize_t w = write(fd, data, len);
    close(fd);
    if (w != (ssize_t)len)
        return -1;
    return rename(tmp, path);
}

char *read_all(const char *path, size_t *len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    size_t cap = 4096, n = 0;
    char *buf = xrealloc(NULL, cap + 1);
    for (;;) {
        if (n == cap) {
            cap *= 2;
            buf = xrealloc(buf, cap + 1);
        }
        ssize_t r = read(fd, buf + n, cap - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        n += (size_t)r;
    }
    close(fd);
    buf[n] = 0;
    if (len)
        *len = n;
    return buf;
}

/*
 * Resolve `unsafe` (a path inside the container) under `root` the way the container would
 * see it: symlinks are followed but can never climb out of root, absolute targets restart
 * at root. Without this a rootfs with /proc -> /etc would make us mount over the host's /etc.
 * Missing components are kept literally (the caller creates them).
 */
char *secure_join(const char *root, const char *unsafe)
{
    char out[PATH_MAX], rest[PATH_MAX], link[PATH_MAX], tmp[PATH_MAX];
    size_t rootlen = strlen(root);
    while (rootlen > 1 && root[rootlen - 1] == '/')
        rootlen--;
    if (rootlen >= sizeof(out))
        die("path too long: %s", root);
    memcpy(out, root, rootlen);
    out[rootlen] = 0;
    snprintf(rest, sizeof(rest), "%s", unsafe);
    int links = 0, missing = 0;
    char *p = rest;
    while (*p) {
        while (*p == '/')
            p++;
        if (!*p)
            break;
        char *end = strchr(p, '/');
        size_t clen = end ? (size_t)(end - p) : strlen(p);
        char comp[NAME_MAX + 1];
        if (clen > NAME_MAX)
            die("path component too long in %s", unsafe);
        memcpy(comp, p, clen);
        comp[clen] = 0;
        p += clen;
        if (!strcmp(comp, "."))
            continue;
        if (!strcmp(comp, "..")) {
            char *slash = strrchr(out, '/');
            if (slash && (size_t)(slash - out) >= rootlen)
                *slash = 0;
            continue;
        }
        size_t olen = strlen(out);
        if (olen + 1 + clen >= sizeof(out))
            die("path too long: %s", unsafe);
        out[olen] = '/';
        memcpy(out + olen + 1, comp, clen + 1);
        if (missing)
            continue;
        struct stat st;
        if (lstat(out, &st) < 0) {
            missing = 1;
            continue;
        }
        if (!S_ISLNK(st.st_mode))
            continue;
        if (++links > 40)
            die("too many symlinks resolving %s", unsafe);
        ssize_t ll = readlink(out, link, sizeof(link) - 1);
        if (ll < 0)
            die("readlink %s: %s", out, strerror(errno));
        link[ll] = 0;
        out[olen] = 0; /* drop the link itself */
        if (link[0] == '/')
            out[rootlen] = 0;
        if (strlen(link) + 1 + strlen(p) >= sizeof(tmp))
            die("path too long resolving %s", unsafe);
        strcpy(tmp, link);
        strcat(tmp, "/");
        strcat(tmp, p);
        strcpy(rest, tmp);
        p = rest;
    }
    if (out[0] == 0)
        strcpy(out, "/");
    return xstrdup(out);
}

/* Moves the calling (single-threaded) process into its cgroups: "0" names the writer itself. */
void join_cgroups(const struct conf *c)
{
    for (int i = 0; i < c->ncgjoin; i++)
        if (write_file(c->cgjoin[i], "0") < 0)
            die("join cgroup %s: %s", c->cgjoin[i], strerror(errno));
}
