package dev.gantry.platform.reconcile;

import java.time.Duration;
import java.time.Instant;

import dev.gantry.platform.instance.Instance;
import dev.gantry.platform.instance.InstanceLabels;

/** What the reconciler knows of one live instance beyond what the backend records. */
final class Tracked {

    enum State { STARTING, UP, STOPPING }

    final Instance instance;
    volatile State state = State.STARTING;
    /** A starting instance that is not healthy by then has failed. */
    final Instant healthDeadline;
    volatile Instant upSince;

    volatile long lastCpuNanos = -1;
    volatile long lastSampleNanos;
    volatile double cpuCores;
    volatile long memoryBytes;

    Tracked(Instance instance, Instant now, Duration bootTimeout) {
        this.instance = instance;
        this.healthDeadline = now.plus(bootTimeout);
    }

    InstanceLabels labels() {
        return instance.labels();
    }

    String id() {
        return instance.id();
    }

    boolean up() {
        return state == State.UP;
    }

    boolean active() {
        return state != State.STOPPING;
    }

    /** Turns two cumulative CPU readings into cores used between them. */
    void sample(long cpuNanos, long memory, long nowNanos) {
        if (lastCpuNanos >= 0 && nowNanos > lastSampleNanos) {
            cpuCores = Math.max(0, (double) (cpuNanos - lastCpuNanos) / (nowNanos - lastSampleNanos));
        }
        lastCpuNanos = cpuNanos;
        lastSampleNanos = nowNanos;
        memoryBytes = memory;
    }
}
