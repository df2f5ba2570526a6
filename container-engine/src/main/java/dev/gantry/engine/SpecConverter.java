package dev.gantry.engine;

import dev.gantry.engine.cgroup.CgroupManager;
import dev.gantry.engine.security.Capabilities;
import dev.gantry.engine.security.Rlimits;
import dev.gantry.engine.spec.CapabilitiesSpec;
import dev.gantry.engine.spec.IdMappingSpec;
import dev.gantry.engine.spec.LinuxSpec;
import dev.gantry.engine.spec.MountSpec;
import dev.gantry.engine.spec.NamespaceSpec;
import dev.gantry.engine.spec.ProcessSpec;
import dev.gantry.engine.spec.RlimitSpec;
import dev.gantry.engine.spec.RuntimeSpec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Turns a validated OCI spec into the shim's config, in one direction only (runc's specconv).
 * Everything that needs judgement happens here, in Java; the C side just executes directives.
 */
final class SpecConverter {

    static final Map<String, Long> CLONE_FLAGS = Map.of(
            "mount", 0x00020000L, "cgroup", 0x02000000L, "uts", 0x04000000L, "ipc", 0x08000000L,
            "user", 0x10000000L, "pid", 0x20000000L, "network", 0x40000000L);

    static final List<String> DEFAULT_DEVICES = List.of(
            "/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom", "/dev/tty");

    static final long DEFAULT_LOG_MAX = 10L * 1024 * 1024;
    static final String LOG_MAX_ANNOTATION = "dev.gantry.log.max-bytes";

    private SpecConverter() {
    }

    /**
     * What the shim needs before the container's init exists: its namespaces, ids, cgroups and log. The shim
     * starts from this while the engine prepares the rest (see docs/engine.md).
     */
    static ShimConfig monitor(RuntimeSpec spec, Path dir, String cgroupPath, CgroupManager cgroups) {
        ShimConfig c = new ShimConfig();
        namespaces(c, spec.linux());
        monitorSettings(c, spec, dir, cgroupPath, cgroups);
        return c;
    }

    /** The container init's whole config (the monitor's part included). */
    static ShimConfig init(RuntimeSpec spec, Path rootfs, Path dir, String cgroupPath, CgroupManager cgroups,
                           Path seccomp) {
        ShimConfig c = new ShimConfig();
        LinuxSpec l = spec.linux();
        c.add("rootfs", rootfs);
        namespaces(c, l);
        if (spec.hostname() != null && !spec.hostname().isEmpty()) {
            c.add("hostname", spec.hostname());
        }
        if (spec.domainname() != null && !spec.domainname().isEmpty()) {
            c.add("domainname", spec.domainname());
        }
        if (l.rootfsPropagation() != null) {
            c.add("propagation", MountOptions.propagation(l.rootfsPropagation()));
        }
        if (spec.root().isReadonly()) {
            c.add("readonly");
        }
        boolean devTmpfs = false;
        boolean devPts = false;
        for (MountSpec m : spec.mounts()) {
            if ("cgroup".equals(m.type()) || "cgroup2".equals(m.type())) {
                cgroupMounts(c, m, cgroups);
                continue;
            }
            MountOptions o = MountOptions.parse(m.options(), "bind".equals(m.type()));
            String type = m.type() == null || "bind".equals(m.type()) ? "none" : m.type();
            c.add("mount", m.source() == null ? "none" : m.source(), m.destination(), type, o.flags(), o.propagation(), o.data());
            devTmpfs |= m.destination().equals("/dev");
            devPts |= m.destination().equals("/dev/pts");
        }
        if (devTmpfs) {
            for (String d : DEFAULT_DEVICES) {
                if (Files.exists(Path.of(d))) {
                    c.add("device", d);
                }
            }
            c.add("symlink", "/proc/self/fd", "/dev/fd");
            c.add("symlink", "/proc/self/fd/0", "/dev/stdin");
            c.add("symlink", "/proc/self/fd/1", "/dev/stdout");
            c.add("symlink", "/proc/self/fd/2", "/dev/stderr");
            if (devPts) {
                c.add("symlink", "pts/ptmx", "/dev/ptmx");
            }
        }
        l.sysctl().forEach((k, v) -> c.add("sysctl", k, v));
        for (String p : l.maskedPaths()) {
            c.add("mask", p);
        }
        for (String p : l.readonlyPaths()) {
            c.add("ropath", p);
        }
        monitorSettings(c, spec, dir, cgroupPath, cgroups);
        c.add("fifo", dir.resolve("exec.fifo"));
        if (seccomp != null) {
            c.add("seccomp", seccomp);
        }
        process(c, spec.process());
        return c;
    }

    /** Namespaces to create or join, and the id mappings of a user namespace. */
    private static void namespaces(ShimConfig c, LinuxSpec l) {
        long clone = 0;
        for (NamespaceSpec ns : l.namespaces()) {
            long flag = CLONE_FLAGS.get(ns.type());
            if (ns.path() != null && !ns.path().isEmpty()) {
                c.add("setns", flag, ns.path());
            } else if (ns.type().equals("cgroup")) {
                c.add("cgroupns"); // unshared by the init after it joined its cgroup
            } else {
                clone |= flag;
            }
        }
        c.add("clone", "0x" + Long.toHexString(clone));
        for (IdMappingSpec m : l.uidMappings()) {
            c.add("uidmap", m.containerID(), m.hostID(), m.size());
        }
        for (IdMappingSpec m : l.gidMappings()) {
            c.add("gidmap", m.containerID(), m.hostID(), m.size());
        }
    }

    private static void monitorSettings(ShimConfig c, RuntimeSpec spec, Path dir, String cgroupPath,
                                        CgroupManager cgroups) {
        boolean userns = spec.linux().namespaces().stream()
                .anyMatch(ns -> ns.type().equals("user") && (ns.path() == null || ns.path().isEmpty()));
        if (userns) {
            // Cloned into a user namespace, the init may not write the host's cgroup files: the shim moves it.
            for (Path p : cgroups.procsFiles(cgroupPath)) {
                c.add("cgroup_procs", p);
            }
        } else {
            for (Path p : cgroups.selfJoinFiles(cgroupPath)) {
                c.add("cgroup_join", p);
            }
        }
        c.add("oom_file", cgroups.oomEventsFile(cgroupPath));
        c.add("log", dir.resolve("container.log"), logMax(spec));
    }

    /** An exec'd process's config: join pid's namespaces and the cgroup, then run. */
    static ShimConfig exec(ProcessSpec p, int pid, String cgroupPath, CgroupManager cgroups, Path seccomp) {
        ShimConfig c = new ShimConfig();
        c.add("pid", pid);
        for (Path f : cgroups.selfJoinFiles(cgroupPath)) {
            c.add("cgroup_join", f);
        }
        if (seccomp != null) {
            c.add("seccomp", seccomp);
        }
        process(c, p);
        return c;
    }

    private static void process(ShimConfig c, ProcessSpec p) {
        for (String a : p.args()) {
            c.add("arg", a);
        }
        for (String e : p.env()) {
            c.add("env", e);
        }
        c.add("cwd", p.cwd());
        c.add("uid", p.user().uid());
        c.add("gid", p.user().gid());
        for (Long g : p.user().additionalGids()) {
            c.add("group", g);
        }
        if (p.user().umask() != null) {
            c.add("umask", p.user().umask());
        }
        for (RlimitSpec r : p.rlimits()) {
            c.add("rlimit", Rlimits.number(r.type()), Long.toUnsignedString(r.soft()), Long.toUnsignedString(r.hard()));
        }
        CapabilitiesSpec caps = p.capabilities();
        if (caps == null) {
            caps = new CapabilitiesSpec(null, null, null, null, null); // no capabilities at all
        }
        c.add("caps", hex(caps.bounding()), hex(caps.effective()), hex(caps.permitted()), hex(caps.inheritable()),
                hex(caps.ambient()));
        if (Boolean.TRUE.equals(p.noNewPrivileges())) {
            c.add("nnp");
        }
        if (p.oomScoreAdj() != null) {
            c.add("oom_score_adj", p.oomScoreAdj());
        }
    }

    private static String hex(List<String> caps) {
        return "0x" + Long.toHexString(Capabilities.mask(caps));
    }

    /**
     * A "cgroup" mount: cgroup2 on a unified host; on a v1 host a tmpfs with one cgroup mount
     * per hierarchy, found in our mountinfo (what runc does). Inside a cgroup namespace each
     * shows the container's own cgroup as its root.
     */
    private static void cgroupMounts(ShimConfig c, MountSpec m, CgroupManager cgroups) {
        MountOptions o = MountOptions.parse(m.options(), false);
        if (cgroups.version().equals("v2")) {
            c.add("mount", "cgroup", m.destination(), "cgroup2", o.flags(), 0, "");
            return;
        }
        long base = o.flags() & ~1L; // the tmpfs must be writable while we create mount points
        c.add("mount", "tmpfs", m.destination(), "tmpfs", base, 0, "mode=755");
        for (String[] h : v1Hierarchies()) {
            c.add("mount", "cgroup", m.destination() + "/" + h[0], "cgroup", o.flags(), 0, h[1]);
        }
    }

    /** {mount point basename, super options} of each v1 hierarchy under /sys/fs/cgroup. */
    private static List<String[]> v1Hierarchies() {
        List<String[]> out = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
                String[] halves = line.split(" - ");
                if (halves.length != 2 || !halves[1].startsWith("cgroup ")) {
                    continue;
                }
                String mountPoint = halves[0].split(" ")[4];
                String[] tail = halves[1].split(" ");
                List<String> opts = new ArrayList<>();
                for (String opt : tail[2].split(",")) {
                    if (!opt.equals("rw") && !opt.equals("ro")) {
                        opts.add(opt);
                    }
                }
                out.add(new String[] {Path.of(mountPoint).getFileName().toString(), String.join(",", opts)});
            }
        } catch (IOException e) {
            throw new EngineException(ErrorCode.IO, "read /proc/self/mountinfo: " + e.getMessage(), e);
        }
        return out;
    }

    static long logMax(RuntimeSpec spec) {
        String v = spec.annotation(LOG_MAX_ANNOTATION);
        if (v == null) {
            return DEFAULT_LOG_MAX;
        }
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new EngineException(ErrorCode.INVALID_SPEC, "config.json: annotations." + LOG_MAX_ANNOTATION
                    + ": not a number: " + v);
        }
    }
}
