package dev.gantry.engine.spec;

import dev.gantry.engine.security.Capabilities;
import dev.gantry.engine.security.DefaultSeccompProfile;

import java.util.List;
import java.util.Map;

/**
 * The spec the platform gives every app container: the isolation of {@code runc spec}
 * (all namespaces but user, masked and read-only /proc paths) plus Gantry's defaults: an
 * unprivileged user, the app capability set, no_new_privs and the default seccomp profile.
 */
public final class SpecDefaults {

    /** The app user; Heroku-style apps never run as root. */
    public static final long APP_UID = 1000;
    public static final long APP_GID = 1000;

    public static final List<String> MASKED_PATHS = List.of(
            "/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
            "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi",
            "/sys/firmware", "/sys/devices/virtual/powercap");

    public static final List<String> READONLY_PATHS = List.of(
            "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger");

    private SpecDefaults() {
    }

    /**
     * @param nofile soft and hard RLIMIT_NOFILE; must not exceed the engine's own hard limit
     *               (raising it needs CAP_SYS_RESOURCE)
     */
    public static RuntimeSpec app(List<String> args, String rootfs, String hostname, long nofile) {
        ProcessSpec process = new ProcessSpec(false, new UserSpec(APP_UID, APP_GID, null, List.of()), args,
                List.of("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOME=/"),
                "/", CapabilitiesSpec.of(Capabilities.APP_DEFAULT),
                List.of(new RlimitSpec("RLIMIT_NOFILE", nofile, nofile)), true, null);
        List<MountSpec> mounts = List.of(
                new MountSpec("/proc", "proc", "proc", List.of("nosuid", "noexec", "nodev")),
                new MountSpec("/dev", "tmpfs", "tmpfs", List.of("nosuid", "strictatime", "mode=755", "size=65536k")),
                new MountSpec("/dev/pts", "devpts", "devpts",
                        List.of("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620")),
                new MountSpec("/dev/shm", "tmpfs", "shm", List.of("nosuid", "noexec", "nodev", "mode=1777", "size=65536k")),
                new MountSpec("/dev/mqueue", "mqueue", "mqueue", List.of("nosuid", "noexec", "nodev")),
                new MountSpec("/sys", "sysfs", "sysfs", List.of("nosuid", "noexec", "nodev", "ro")));
        List<NamespaceSpec> ns = List.of(new NamespaceSpec("pid", null), new NamespaceSpec("network", null),
                new NamespaceSpec("ipc", null), new NamespaceSpec("uts", null), new NamespaceSpec("mount", null),
                new NamespaceSpec("cgroup", null));
        LinuxSpec linux = new LinuxSpec(ns, null, null, null, null, DefaultSeccompProfile.spec(),
                MASKED_PATHS, READONLY_PATHS, null, null);
        return new RuntimeSpec("1.0.2", process, new RootSpec(rootfs, false), hostname, null, mounts, linux, Map.of());
    }
}
