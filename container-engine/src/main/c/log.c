/*
 * Container log: one line per output line, "<RFC3339 UTC nanos> <stdout|stderr> <F|P> <text>"
 * (the CRI log format, so existing tooling can read it). When the file would grow past
 * max_bytes it is renamed to "<path>.1" (replacing the previous one) and a new file starts,
 * so a chatty app can never use more than 2 * max_bytes of disk.
 */
#include "shim.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define LINE_MAX_BYTES 16384

struct logger {
    char *path;
    long max;
    int fd;
    long size;
    char buf[2][LINE_MAX_BYTES];
    size_t len[2];
};

static void reopen(struct logger *l)
{
    if (l->fd >= 0)
        close(l->fd);
    l->fd = open(l->path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
    l->size = l->fd >= 0 ? lseek(l->fd, 0, SEEK_END) : 0;
}

struct logger *log_open(const char *path, long max_bytes)
{
    struct logger *l = xrealloc(NULL, sizeof(*l));
    memset(l, 0, sizeof(*l));
    l->path = xstrdup(path);
    l->max = max_bytes > 0 ? max_bytes : 10L * 1024 * 1024;
    l->fd = -1;
    reopen(l);
    if (l->fd < 0)
        die("open log %s: %s", path, strerror(errno));
    return l;
}

static void emit(struct logger *l, int stream, const char *text, size_t n, int partial)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    char head[96];
    int h = snprintf(head, sizeof(head), "%04d-%02d-%02dT%02d:%02d:%02d.%09ldZ %s %c ",
                     tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
                     tm.tm_sec, ts.tv_nsec, stream == 1 ? "stdout" : "stderr", partial ? 'P' : 'F');
    long need = h + (long)n + 1;
    if (l->size > 0 && l->size + need > l->max) {
        char old[4096];
        snprintf(old, sizeof(old), "%s.1", l->path);
        rename(l->path, old);
        reopen(l);
    }
    if (l->fd < 0)
        return;
    char *line = xrealloc(NULL, (size_t)need);
    memcpy(line, head, (size_t)h);
    memcpy(line + h, text, n);
    line[need - 1] = '\n';
    /* One write per line: a reader tailing the file never sees a torn line. */
    if (write(l->fd, line, (size_t)need) == need)
        l->size += need;
    free(line);
}

void log_feed(struct logger *l, int stream, const char *data, size_t n)
{
    int s = stream == 1 ? 0 : 1;
    for (size_t i = 0; i < n; i++) {
        char ch = data[i];
        if (ch == '\n') {
            emit(l, stream, l->buf[s], l->len[s], 0);
            l->len[s] = 0;
            continue;
        }
        if (l->len[s] == LINE_MAX_BYTES) {
            emit(l, stream, l->buf[s], l->len[s], 1);
            l->len[s] = 0;
        }
        l->buf[s][l->len[s]++] = ch;
    }
}

void log_flush(struct logger *l, int stream)
{
    int s = stream == 1 ? 0 : 1;
    if (l->len[s]) {
        emit(l, stream, l->buf[s], l->len[s], 1);
        l->len[s] = 0;
    }
}
