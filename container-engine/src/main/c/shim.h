/*
 * gantry-shim: the small native stage of Gantry's container engine.
 *
 * The Java engine prepares everything that can be done from the host (state dir, cgroups,
 * overlay rootfs, compiled seccomp program) and writes it to a flat config file. This program
 * does only what must happen between clone() and execve(), plus being the container init's
 * parent (reaping, exit status, log capture). See docs/engine.md for the handshake.
 */
#ifndef GANTRY_SHIM_H
#define GANTRY_SHIM_H

#include <stdint.h>
#include <sys/types.h>
#include <sys/resource.h>

struct mnt {
    char *src, *dst, *type, *data;
    unsigned long flags, pflags;
};

struct rlim {
    int resource;
    rlim_t soft, hard;
};

struct nsjoin {
    int type;
    char *path;
};

struct kv {
    char *key, *value;
};

/* Parsed config. Arrays grow with push(); counts sit next to them. */
struct conf {
    char *rootfs;
    unsigned long clone_flags;
    int cgroupns;
    struct nsjoin *setns; int nsetns;
    char *uidmap, *gidmap;
    char *hostname, *domainname;
    unsigned long propagation;
    int readonly;
    struct mnt *mounts; int nmounts;
    char **devices; int ndevices;
    struct kv *symlinks; int nsymlinks;
    struct kv *sysctls; int nsysctls;
    char **masks; int nmasks;
    char **ropaths; int nropaths;
    char **cgprocs; int ncgprocs; /* the shim writes the init's pid there */
    char **cgjoin; int ncgjoin;   /* the process itself writes "0" there (see CgroupManager.selfJoinFiles) */
    char *oom_file;
    char *log; long log_max;
    char *fifo;
    char *seccomp;
    char **argv; int nargv;
    char **envp; int nenvp;
    char *cwd;
    uid_t uid; gid_t gid;
    gid_t *groups; int ngroups;
    int umask;
    struct rlim *rlimits; int nrlimits;
    int have_caps;
    uint64_t cap_bounding, cap_effective, cap_permitted, cap_inheritable, cap_ambient;
    int nnp;
    int have_oom_score_adj, oom_score_adj;
    pid_t target_pid; /* exec: the container init to join */
};

/* conf.c */
void conf_load(struct conf *c, const char *path);

/* util.c */
void die(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
void set_error_fd(int fd);
char *xstrdup(const char *s);
void *xrealloc(void *p, size_t n);
int mkdir_p(const char *path, mode_t mode);
int write_file(const char *path, const char *data);
int write_file_atomic(const char *path, const char *data);
void join_cgroups(const struct conf *c);
char *secure_join(const char *root, const char *unsafe);
char *read_all(const char *path, size_t *len);

/* process.c: credentials, capabilities, seccomp, exec; shared by init and exec */
struct sock_fprog;
struct sock_fprog *seccomp_load_file(const char *path);
void apply_rlimits(const struct conf *c);
void apply_credentials(const struct conf *c);
void apply_seccomp(struct sock_fprog *prog);
void exec_process(const struct conf *c) __attribute__((noreturn));
void reset_signals(void);

/* init.c */
int container_init(void *arg);

/* log.c */
struct logger;
struct logger *log_open(const char *path, long max_bytes);
void log_feed(struct logger *l, int stream, const char *buf, size_t n);
void log_flush(struct logger *l, int stream);

/* exec.c */
int exec_main(const char *conf_path) __attribute__((noreturn));

struct init_args {
    struct conf *conf;      /* the monitor's part: namespaces, cgroups, log */
    const char *init_conf;  /* the whole config, loaded by the init once it is told to go */
    int sync_fd;  /* socket to the shim: "go" in, "ready"/"error ..." out */
    int stdout_fd, stderr_fd;
    int close_fds[8]; int nclose;
};

#endif
