package dev.gantry.platform.reconcile;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import dev.gantry.platform.api.ApiException;
import dev.gantry.platform.instance.Instance;
import dev.gantry.platform.instance.InstanceBackend;
import dev.gantry.platform.instance.LaunchRequest;
import dev.gantry.platform.kubernetes.KubeRun;
import dev.gantry.platform.kubernetes.KubernetesBackend;
import dev.gantry.platform.kubernetes.KubernetesFailure;
import dev.gantry.platform.run.RunTarget;

/**
 * One-off runs of apps placed on the cluster, as Jobs (see {@code RunObjects}). The run's state and output are
 * polled at most once a second each while it runs, so a long run costs the API server two requests a second.
 * A pod that cannot start ({@code ImagePullBackOff}, …) ends the run with exit code 125 (as {@code docker run}
 * does when the container cannot run) and says why in its output.
 */
final class KubernetesRuns implements RunTarget {

    static final int CANNOT_RUN = 125;
    private static final long POLL_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** A safety net for a run whose platform went away: Runs stops each run at its own time limit. */
    private static final long DEADLINE_SECONDS = 3600 + 60;

    private final KubernetesBackend kube;
    private final ImagePushes pushes;
    private final Map<String, Run> runs = new ConcurrentHashMap<>();

    private static final class Run {
        final String tenant;
        volatile String pod;
        volatile Instance.Exit exit;
        volatile String failure;
        volatile boolean failureTold;
        long polledAt;
        long loggedAt;

        Run(String tenant) {
            this.tenant = tenant;
        }

        boolean ended() {
            return exit != null;
        }
    }

    KubernetesRuns(KubernetesBackend kube, ImagePushes pushes) {
        this.kube = kube;
        this.pushes = pushes;
    }

    @Override
    public void check(LaunchRequest request) {
        image(request);
    }

    /** The registry reference of the release's image; 409 while the release is not pushed yet. */
    private String image(LaunchRequest request) {
        return pushes.pushed(request.labels().tenant(), request.labels().app(), request.image())
                .orElseThrow(() -> new ApiException(409, "image-not-pushed", "Release v" + request.labels().release()
                        + " is not in the cluster's registry yet (its deploy is under way): run the command once "
                        + "the release is live."));
    }

    @Override
    public void start(LaunchRequest request) {
        String tenant = request.labels().tenant();
        try {
            kube.startRun(new KubeRun(tenant, request.labels().app(), request.id(), image(request),
                    request.command(), request.env(), request.memoryMb(), request.millicpus(), DEADLINE_SECONDS));
        } catch (KubernetesFailure e) {
            throw e.rejected()
                    ? new ApiException(422, "kubernetes-rejected", "Kubernetes cluster '" + e.cluster()
                    + "' would not run this: " + e.getMessage())
                    : new ApiException(503, "kubernetes-unavailable", "Kubernetes cluster '" + e.cluster()
                    + "' could not start the run: " + e.getMessage());
        }
        runs.put(request.id(), new Run(tenant));
    }

    @Override
    public Optional<Instance.Exit> awaitExit(String id, Duration timeout) {
        Run run = runs.get(id);
        if (run == null) {
            return Optional.empty();
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!run.ended()) {
            long now = System.nanoTime();
            long next = run.polledAt + POLL_NANOS;
            if (now >= next) {
                poll(id, run);
                continue;
            }
            if (next > deadline) {
                sleep(deadline - now);
                break;
            }
            sleep(next - now);
        }
        return Optional.ofNullable(run.exit);
    }

    private void poll(String id, Run run) {
        run.polledAt = System.nanoTime();
        try {
            KubernetesBackend.RunStatus s = kube.runStatus(run.tenant, id);
            if (s.pod() != null) {
                run.pod = s.pod();
            }
            if (s.failure() != null) {
                run.failure = s.failure();
                run.exit = new Instance.Exit(CANNOT_RUN, false);
            } else if (s.exit() != null) {
                run.exit = s.exit();
            }
        } catch (KubernetesFailure e) {
            // the cluster hiccuped: the next poll asks again (the run's time limit still applies)
        }
    }

    @Override
    public void stop(String id) {
        remove(id);
    }

    @Override
    public InstanceBackend.LogChunk readLog(String id, long offset) {
        Run run = runs.get(id);
        List<InstanceBackend.LogEntry> entries = new ArrayList<>();
        long next = offset;
        if (run != null && run.pod != null && (run.ended() || System.nanoTime() - run.loggedAt >= POLL_NANOS)) {
            run.loggedAt = System.nanoTime();
            try {
                InstanceBackend.LogChunk chunk = kube.readLog(run.tenant, run.pod, offset);
                entries.addAll(chunk.entries());
                next = chunk.nextOffset();
            } catch (KubernetesFailure e) {
                // the container has not started yet, or the pod is gone: nothing to read
            }
        }
        if (run != null && run.failure != null && !run.failureTold) {
            run.failureTold = true;
            entries.add(new InstanceBackend.LogEntry("stderr", "gantry: the run could not start: " + run.failure));
        }
        return new InstanceBackend.LogChunk(entries, next);
    }

    @Override
    public void remove(String id) {
        Run run = runs.remove(id);
        if (run == null) {
            return;
        }
        try {
            kube.deleteRun(run.tenant, id);
        } catch (KubernetesFailure e) {
            // the Job's own deadline ends it; its objects are small
        }
    }

    private static void sleep(long nanos) {
        try {
            TimeUnit.NANOSECONDS.sleep(Math.max(0, nanos));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
