package dev.gantry.engine;

import dev.gantry.engine.cgroup.CgroupStats;
import dev.gantry.engine.spec.ProcessSpec;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * An OCI-style container runtime. State lives in files under a state directory, so any
 * number of runtime instances (a CLI, the platform JVM after a restart) see the same
 * containers; containers keep running when the process that created them exits.
 */
public interface ContainerRuntime {

    /**
     * Sets the container up from {@code bundle/config.json}; its process waits until
     * {@link #start}. Fails with a clear message if the spec is invalid, the id is in use, or
     * a kernel feature is missing.
     */
    ContainerState create(String id, Path bundle);

    /** Lets the created container's process exec. */
    void start(String id);

    ContainerState state(String id);

    List<ContainerState> list();

    /** Sends a signal to the container's init (e.g. 15 for SIGTERM). */
    void kill(String id, int signal);

    /** SIGTERM, then SIGKILL after {@code grace} if the init is still running. */
    ExitStatus stop(String id, Duration grace);

    /** Waits for the container's init to exit. */
    ExitStatus awaitExit(String id, Duration timeout);

    /**
     * Removes the container: its mounts, cgroup, writable layer and state. A running or
     * created container needs {@code force}, which SIGKILLs every process in its cgroup.
     */
    void delete(String id, boolean force);

    /**
     * Starts another process inside a running container. The returned process is the
     * shim's; its stdio and exit status are the container process's.
     */
    Process exec(String id, ProcessSpec process);

    /** {@link #exec(String, ProcessSpec)} with the container's own process settings and other args. */
    Process exec(String id, List<String> args);

    /** Host pids of the container's processes. */
    List<Integer> ps(String id);

    CgroupStats stats(String id);

    /**
     * Reports events until the container stops (the last event is {@code exit}) or the sink
     * returns false: {@code stats} every {@code interval}, {@code oom} whenever the cgroup's
     * OOM-kill counter rises. Blocks the calling thread.
     */
    void events(String id, Duration interval, java.util.function.Predicate<ContainerEvent> sink);

    /** The container's log file (CRI format, size-capped, rotated to {@code .1}). */
    Path logFile(String id);
}
