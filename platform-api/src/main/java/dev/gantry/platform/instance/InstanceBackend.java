package dev.gantry.platform.instance;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import dev.gantry.platform.quota.Quota;

/**
 * Where app instances run: the one seam between the reconciler and a container backend. The local engine is
 * the default; a Kubernetes backend implements the same calls. Every instance carries its {@link InstanceLabels},
 * so the actual state can be read back from the backend alone, after a platform restart too.
 */
public interface InstanceBackend {

    /** Every instance (and one-off run) the backend holds for Gantry, running or exited. */
    List<Instance> list();

    /** Creates and starts an instance; it is listening (or about to) on the returned address. */
    Instance launch(LaunchRequest request);

    /** Housekeeping for what crashed processes can leave behind (network addresses, devices). */
    void collectGarbage();

    /** Waits for an instance to exit; empty if it still runs after {@code timeout}. */
    Optional<Instance.Exit> awaitExit(String id, Duration timeout);

    /** Sets the instance's CPU cap (its startup boost ends: see {@link LaunchRequest#bootMillicpus()}). */
    void limitCpu(Instance instance, int millicpus);

    /** SIGTERM, then SIGKILL after {@code grace}; returns how it ended (null if it was already gone). */
    Instance.Exit stop(String id, Duration grace);

    /** Removes an instance and everything it had (force-killing it if it still runs). Missing is fine. */
    void remove(String id);

    /** CPU time and memory of a running instance, if the backend can tell. */
    Optional<Usage> usage(String id);

    /** Caps a tenant's instances together (memory, CPU) in the kernel, below the API's quota check. */
    void limitTenant(String tenant, Quota quota);

    /**
     * Drops the kernel-side remains of apps and tenants that no longer exist (their cgroups), once they have no
     * instances left. {@code app} null means the whole tenant.
     *
     * @return false if something was still in use and stays (try again later)
     */
    boolean forget(String tenant, String app);

    /** New output of an instance since {@code offset}: the lines and the offset to read from next time. */
    LogChunk readLog(String id, long offset);

    record Usage(long cpuNanos, long memoryBytes, long memoryLimitBytes) {
    }

    record LogChunk(List<LogEntry> entries, long nextOffset) {
    }

    record LogEntry(String stream, String text) {
    }
}
