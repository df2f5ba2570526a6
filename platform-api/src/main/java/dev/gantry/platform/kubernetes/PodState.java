package dev.gantry.platform.kubernetes;

import java.time.Instant;

/**
 * One pod of an app as last seen: its process type, the release and fingerprint of its template, where it
 * listens, its phase and readiness, restarts, and why it waits if it does (CrashLoopBackOff, ImagePullBackOff…).
 */
public record PodState(String name, String type, int release, String fingerprint, String ip, int port, String phase,
                       boolean ready, int restarts, String reason, Instant startedAt) {
}
