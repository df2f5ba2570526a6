package dev.gantry.engine.spec;

import dev.gantry.engine.EngineException;
import dev.gantry.engine.ErrorCode;
import dev.gantry.engine.security.Capabilities;
import dev.gantry.engine.security.Rlimits;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Checks a parsed spec; every error message starts with the config.json field it is about. */
public final class SpecValidator {

    static final Set<String> NAMESPACE_TYPES = Set.of("pid", "network", "mount", "ipc", "uts", "user", "cgroup");

    private SpecValidator() {
    }

    public static void validate(RuntimeSpec s, Path bundle) {
        if (s.ociVersion() == null || !s.ociVersion().startsWith("1.")) {
            fail("ociVersion", "must be a 1.x version, got " + s.ociVersion());
        }
        ProcessSpec p = s.process();
        if (p == null) {
            fail("process", "missing");
        }
        validateProcess(p, "process");
        if (s.root() == null || s.root().path() == null || s.root().path().isBlank()) {
            fail("root.path", "missing");
        }
        Path rootfs = bundle.resolve(s.root().path());
        if (!Files.isDirectory(rootfs)) {
            fail("root.path", rootfs + " does not exist or is not a directory");
        }
        for (int i = 0; i < s.mounts().size(); i++) {
            MountSpec m = s.mounts().get(i);
            if (m.destination() == null || !m.destination().startsWith("/")) {
                fail("mounts[" + i + "].destination", "must be an absolute path, got " + m.destination());
            }
            if (m.isBind() && (m.source() == null || !Files.exists(Path.of(m.source())))) {
                fail("mounts[" + i + "].source", "bind source " + m.source() + " does not exist");
            }
        }
        LinuxSpec l = s.linux();
        if (l == null) {
            fail("linux", "missing (the engine only runs Linux containers)");
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < l.namespaces().size(); i++) {
            String t = l.namespaces().get(i).type();
            if (!NAMESPACE_TYPES.contains(t)) {
                fail("linux.namespaces[" + i + "].type", "unknown namespace type " + t);
            }
            if (!seen.add(t)) {
                fail("linux.namespaces[" + i + "].type", "namespace " + t + " listed twice");
            }
            if ("user".equals(t) && l.namespaces().get(i).path() != null) {
                fail("linux.namespaces[" + i + "].path", "joining an existing user namespace is not supported");
            }
        }
        if (l.hasNamespace("user") && (l.uidMappings().isEmpty() || l.gidMappings().isEmpty())) {
            fail("linux.uidMappings", "a user namespace needs uidMappings and gidMappings");
        }
        if (s.hostname() != null && !s.hostname().isEmpty() && !l.hasNamespace("uts")) {
            fail("hostname", "setting a hostname needs a uts namespace");
        }
        if (!l.hasNamespace("mount") && !s.mounts().isEmpty()) {
            fail("mounts", "mounts need a mount namespace");
        }
        if (l.cgroupsPath() != null && (l.cgroupsPath().contains("..") || l.cgroupsPath().contains("//"))) {
            fail("linux.cgroupsPath", "must not contain '..' or '//': " + l.cgroupsPath());
        }
        if (l.rootfsPropagation() != null && !List.of("private", "rprivate", "slave", "rslave", "shared", "rshared")
                .contains(l.rootfsPropagation())) {
            fail("linux.rootfsPropagation", "unknown propagation " + l.rootfsPropagation());
        }
        validateResources(l.resources());
    }

    public static void validateProcess(ProcessSpec p, String field) {
        if (p.args().isEmpty()) {
            fail(field + ".args", "must name a program");
        }
        if (p.cwd() == null || !p.cwd().startsWith("/")) {
            fail(field + ".cwd", "must be an absolute path, got " + p.cwd());
        }
        if (Boolean.TRUE.equals(p.terminal())) {
            fail(field + ".terminal", "terminals are not supported; output goes to the container log");
        }
        if (p.user().uid() < 0 || p.user().gid() < 0) {
            fail(field + ".user", "uid and gid must not be negative");
        }
        CapabilitiesSpec c = p.capabilities();
        if (c != null) {
            for (List<String> set : List.of(c.bounding(), c.effective(), c.inheritable(), c.permitted(), c.ambient())) {
                for (String cap : set) {
                    if (Capabilities.number(cap) < 0) {
                        fail(field + ".capabilities", "unknown capability " + cap);
                    }
                }
            }
        }
        for (int i = 0; i < p.rlimits().size(); i++) {
            RlimitSpec r = p.rlimits().get(i);
            if (Rlimits.number(r.type()) < 0) {
                fail(field + ".rlimits[" + i + "].type", "unknown rlimit " + r.type());
            }
            if (r.soft() == null || r.hard() == null || Long.compareUnsigned(r.soft(), r.hard()) > 0) {
                fail(field + ".rlimits[" + i + "]", "soft and hard are required and soft <= hard");
            }
        }
        for (int i = 0; i < p.env().size(); i++) {
            if (!p.env().get(i).contains("=")) {
                fail(field + ".env[" + i + "]", "must be KEY=value, got " + p.env().get(i));
            }
        }
    }

    private static void validateResources(ResourcesSpec r) {
        if (r == null) {
            return;
        }
        if (r.memory() != null && r.memory().limit() != null && r.memory().limit() != -1 && r.memory().limit() < 4096 * 1024L) {
            fail("linux.resources.memory.limit", "must be at least 4 MiB, got " + r.memory().limit());
        }
        if (r.cpu() != null) {
            if (r.cpu().shares() != null && (r.cpu().shares() < 2 || r.cpu().shares() > 262144)) {
                fail("linux.resources.cpu.shares", "must be 2..262144, got " + r.cpu().shares());
            }
            if (r.cpu().quota() != null && r.cpu().quota() != -1 && r.cpu().quota() < 1000) {
                fail("linux.resources.cpu.quota", "must be -1 or at least 1000 µs, got " + r.cpu().quota());
            }
            if (r.cpu().period() != null && (r.cpu().period() < 1000 || r.cpu().period() > 1_000_000)) {
                fail("linux.resources.cpu.period", "must be 1000..1000000 µs, got " + r.cpu().period());
            }
        }
        if (r.pids() != null && r.pids().limit() != null && r.pids().limit() == 0) {
            fail("linux.resources.pids.limit", "must be positive or -1 (unlimited)");
        }
        if (r.blockIO() != null && r.blockIO().weight() != null
                && (r.blockIO().weight() < 10 || r.blockIO().weight() > 1000)) {
            fail("linux.resources.blockIO.weight", "must be 10..1000, got " + r.blockIO().weight());
        }
    }

    private static void fail(String field, String why) {
        throw new EngineException(ErrorCode.INVALID_SPEC, "config.json: " + field + ": " + why);
    }
}
