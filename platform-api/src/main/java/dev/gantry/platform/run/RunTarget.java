package dev.gantry.platform.run;

import java.time.Duration;
import java.util.Optional;

import dev.gantry.platform.instance.Instance;
import dev.gantry.platform.instance.InstanceBackend;
import dev.gantry.platform.instance.LaunchRequest;

/**
 * Where a one-off run happens: a container of Gantry's engine for apps on this machine, a Kubernetes Job for
 * apps on a cluster. {@link Runs} drives either the same way: start, read output while waiting for the exit,
 * stop at the time limit, remove.
 */
public interface RunTarget {

    /**
     * Refuses, before anything starts, a run this target cannot do now.
     *
     * @throws dev.gantry.platform.api.ApiException with what the user can do about it
     */
    default void check(LaunchRequest request) {
    }

    void start(LaunchRequest request);

    /** Waits up to {@code timeout} for the run to end; empty while it runs. */
    Optional<Instance.Exit> awaitExit(String id, Duration timeout);

    /** The run passed its time limit: SIGTERM, then SIGKILL. */
    void stop(String id);

    /** Output from {@code offset} on (an offset this target gave out before, or 0). */
    InstanceBackend.LogChunk readLog(String id, long offset);

    /** Removes whatever the run left; never throws. */
    void remove(String id);
}
