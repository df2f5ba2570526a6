package dev.gantry.engine.cgroup;

import java.nio.file.Path;
import java.util.List;

/**
 * One cgroup hierarchy layout (v1: one tree per controller; v2: one unified tree). Paths are
 * relative to the hierarchy root, e.g. {@code gantry/acme/web/web.1}; a limit set on a parent
 * ({@code gantry/acme}) caps every child below it.
 */
public interface CgroupManager {

    /** "v1" or "v2". */
    String version();

    /** Creates the cgroup and any missing parents, then applies {@code resources} to the leaf. */
    void create(String path, CgroupResources resources);

    /** Sets limits on an existing cgroup (any level). Null fields are left as they are. */
    void apply(String path, CgroupResources resources);

    /**
     * Limits device access to the harmless default set (null, zero, full, random, urandom,
     * tty, console, ptmx, pts, tun; mknod of anything, but no access to other nodes), like
     * runc's default rules. Returns false where the host cannot enforce it (v2 needs an
     * eBPF device program, which the engine does not load yet).
     */
    boolean restrictDevices(String path);

    boolean exists(String path);

    /** Names of the cgroups directly below {@code path} (empty if it does not exist). */
    List<String> children(String path);

    /** The cgroup.procs files a process must be written to in order to join this cgroup. */
    List<Path> procsFiles(String path);

    /**
     * The files a single-threaded process writes "0" to in order to join this cgroup by itself. Cheaper than
     * being moved: the kernel migrates a thread that moves itself without taking the global threadgroup lock,
     * whose first writer waits for an RCU grace period (8–16 ms measured on cgroup v1).
     */
    List<Path> selfJoinFiles(String path);

    /** The file with an "oom_kill N" line counting OOM kills inside this cgroup. */
    Path oomEventsFile(String path);

    /** Host pids of every process in the cgroup. */
    List<Integer> pids(String path);

    CgroupStats stats(String path);

    /** SIGKILLs every process in the cgroup (freezing first so nothing forks meanwhile) and waits until it is empty. */
    void killAll(String path);

    /** Removes the cgroup (not its parents); it must be empty. Missing is fine. */
    void destroy(String path);
}
