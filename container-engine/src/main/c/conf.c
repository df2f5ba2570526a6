/*
 * The config the Java engine writes for the shim: one directive per line, fields separated
 * by TAB, with "\\", "\t" and "\n" escaped. The format is private to Gantry (the Java side
 * already validated and normalised the OCI spec), which keeps this parser tiny.
 */
#include "shim.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define push(arr, n) (arr = xrealloc(arr, sizeof(*(arr)) * ((n) + 1)), &(arr)[(n)++])

static char *unescape(char *s)
{
    char *r = s, *w = s;
    while (*r) {
        if (*r == '\\' && r[1]) {
            r++;
            *w++ = *r == 't' ? '\t' : *r == 'n' ? '\n' : *r;
            r++;
        } else {
            *w++ = *r++;
        }
    }
    *w = 0;
    return s;
}

static int split(char *line, char **fields, int max)
{
    int n = 0;
    char *p = line;
    while (n < max) {
        fields[n++] = p;
        char *t = strchr(p, '\t');
        if (!t)
            break;
        *t = 0;
        p = t + 1;
    }
    for (int i = 0; i < n; i++)
        unescape(fields[i]);
    return n;
}

static unsigned long num(const char *s)
{
    return strtoul(s, NULL, 0);
}

static uint64_t num64(const char *s)
{
    return strtoull(s, NULL, 0);
}

static void append_line(char **acc, const char *a, const char *b, const char *c)
{
    size_t old = *acc ? strlen(*acc) : 0;
    size_t add = strlen(a) + strlen(b) + strlen(c) + 4;
    *acc = xrealloc(*acc, old + add);
    snprintf(*acc + old, add, "%s %s %s\n", a, b, c);
}

void conf_load(struct conf *c, const char *path)
{
    FILE *f = fopen(path, "re");
    if (!f)
        die("open %s: %s", path, strerror(errno));
    memset(c, 0, sizeof(*c));
    c->umask = -1;
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    while ((len = getline(&line, &cap, f)) > 0) {
        if (line[len - 1] == '\n')
            line[len - 1] = 0;
        char *f_[8] = {0};
        int n = split(line, f_, 8);
        const char *k = f_[0];
        if (n < 1 || !*k)
            continue;
#define ARG(i) ((i) < n ? f_[i] : (die("config %s: directive %s needs %d fields", path, k, i), ""))
        if (!strcmp(k, "rootfs")) c->rootfs = xstrdup(ARG(1));
        else if (!strcmp(k, "clone")) c->clone_flags = num(ARG(1));
        else if (!strcmp(k, "cgroupns")) c->cgroupns = 1;
        else if (!strcmp(k, "setns")) {
            struct nsjoin *j = push(c->setns, c->nsetns);
            j->type = (int)num(ARG(1));
            j->path = xstrdup(ARG(2));
        }
        else if (!strcmp(k, "uidmap")) append_line(&c->uidmap, ARG(1), ARG(2), ARG(3));
        else if (!strcmp(k, "gidmap")) append_line(&c->gidmap, ARG(1), ARG(2), ARG(3));
        else if (!strcmp(k, "hostname")) c->hostname = xstrdup(ARG(1));
        else if (!strcmp(k, "domainname")) c->domainname = xstrdup(ARG(1));
        else if (!strcmp(k, "propagation")) c->propagation = num(ARG(1));
        else if (!strcmp(k, "readonly")) c->readonly = 1;
        else if (!strcmp(k, "mount")) {
            struct mnt *m = push(c->mounts, c->nmounts);
            m->src = xstrdup(ARG(1));
            m->dst = xstrdup(ARG(2));
            m->type = xstrdup(ARG(3));
            m->flags = num(ARG(4));
            m->pflags = num(ARG(5));
            m->data = xstrdup(ARG(6));
        }
        else if (!strcmp(k, "device")) *push(c->devices, c->ndevices) = xstrdup(ARG(1));
        else if (!strcmp(k, "symlink")) {
            struct kv *s = push(c->symlinks, c->nsymlinks);
            s->key = xstrdup(ARG(1));
            s->value = xstrdup(ARG(2));
        }
        else if (!strcmp(k, "sysctl")) {
            struct kv *s = push(c->sysctls, c->nsysctls);
            s->key = xstrdup(ARG(1));
            s->value = xstrdup(ARG(2));
        }
        else if (!strcmp(k, "mask")) *push(c->masks, c->nmasks) = xstrdup(ARG(1));
        else if (!strcmp(k, "ropath")) *push(c->ropaths, c->nropaths) = xstrdup(ARG(1));
        else if (!strcmp(k, "cgroup_procs")) *push(c->cgprocs, c->ncgprocs) = xstrdup(ARG(1));
        else if (!strcmp(k, "cgroup_join")) *push(c->cgjoin, c->ncgjoin) = xstrdup(ARG(1));
        else if (!strcmp(k, "oom_file")) c->oom_file = xstrdup(ARG(1));
        else if (!strcmp(k, "log")) {
            c->log = xstrdup(ARG(1));
            c->log_max = (long)num(ARG(2));
        }
        else if (!strcmp(k, "fifo")) c->fifo = xstrdup(ARG(1));
        else if (!strcmp(k, "seccomp")) c->seccomp = xstrdup(ARG(1));
        else if (!strcmp(k, "arg")) *push(c->argv, c->nargv) = xstrdup(ARG(1));
        else if (!strcmp(k, "env")) *push(c->envp, c->nenvp) = xstrdup(ARG(1));
        else if (!strcmp(k, "cwd")) c->cwd = xstrdup(ARG(1));
        else if (!strcmp(k, "uid")) c->uid = (uid_t)num(ARG(1));
        else if (!strcmp(k, "gid")) c->gid = (gid_t)num(ARG(1));
        else if (!strcmp(k, "group")) *push(c->groups, c->ngroups) = (gid_t)num(ARG(1));
        else if (!strcmp(k, "umask")) c->umask = (int)num(ARG(1));
        else if (!strcmp(k, "rlimit")) {
            struct rlim *r = push(c->rlimits, c->nrlimits);
            r->resource = (int)num(ARG(1));
            r->soft = (rlim_t)num64(ARG(2));
            r->hard = (rlim_t)num64(ARG(3));
        }
        else if (!strcmp(k, "caps")) {
            c->have_caps = 1;
            c->cap_bounding = num64(ARG(1));
            c->cap_effective = num64(ARG(2));
            c->cap_permitted = num64(ARG(3));
            c->cap_inheritable = num64(ARG(4));
            c->cap_ambient = num64(ARG(5));
        }
        else if (!strcmp(k, "nnp")) c->nnp = 1;
        else if (!strcmp(k, "oom_score_adj")) {
            c->have_oom_score_adj = 1;
            c->oom_score_adj = (int)strtol(ARG(1), NULL, 10);
        }
        else if (!strcmp(k, "pid")) c->target_pid = (pid_t)num(ARG(1));
        else die("config %s: unknown directive %s", path, k);
#undef ARG
    }
    free(line);
    fclose(f);
    /* NULL-terminate the exec vectors. */
    *push(c->argv, c->nargv) = NULL;
    c->nargv--;
    *push(c->envp, c->nenvp) = NULL;
    c->nenvp--;
}
