package dev.gantry.engine.cgroup.v2;

import dev.gantry.engine.cgroup.CgroupFiles;
import dev.gantry.engine.cgroup.CgroupManager;
import dev.gantry.engine.cgroup.CgroupResources;
import dev.gantry.engine.cgroup.CgroupStats;
import dev.gantry.engine.sys.Syscalls;
import dev.gantry.engine.EngineException;
import dev.gantry.engine.ErrorCode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/** cgroup v2: one unified tree; controllers must be enabled in every ancestor's subtree_control. */
public final class CgroupV2Manager implements CgroupManager {

    private static final List<String> WANTED = List.of("cpu", "memory", "pids", "io");

    private final Path root;

    public CgroupV2Manager(Path root) {
        this.root = root;
    }

    @Override
    public String version() {
        return "v2";
    }

    @Override
    public void create(String path, CgroupResources r) {
        Path dir = root;
        for (String part : path.split("/")) {
            if (part.isEmpty()) {
                continue;
            }
            enableControllers(dir);
            dir = dir.resolve(part);
            CgroupFiles.mkdirs(dir);
        }
        apply(path, r);
    }

    private static void enableControllers(Path dir) {
        String available = CgroupFiles.read(dir.resolve("cgroup.controllers"));
        if (available == null) {
            return;
        }
        Set<String> have = Set.of(available.split("\\s+"));
        String enabled = CgroupFiles.read(dir.resolve("cgroup.subtree_control"));
        Set<String> on = enabled == null || enabled.isEmpty() ? Set.of() : Set.of(enabled.split("\\s+"));
        StringBuilder add = new StringBuilder();
        for (String c : WANTED) {
            if (have.contains(c) && !on.contains(c)) {
                add.append(add.length() == 0 ? "" : " ").append('+').append(c);
            }
        }
        if (add.length() > 0) {
            CgroupFiles.write(dir.resolve("cgroup.subtree_control"), add.toString());
        }
    }

    @Override
    public void apply(String path, CgroupResources r) {
        Path dir = root.resolve(path);
        if (r.memoryLimit() != null) {
            CgroupFiles.write(dir.resolve("memory.max"), r.memoryLimit() == -1 ? "max" : r.memoryLimit().toString());
            CgroupFiles.writeIfExists(dir.resolve("memory.swap.max"), "0");
        }
        if (r.cpuShares() != null) {
            CgroupFiles.write(dir.resolve("cpu.weight"), Long.toString(sharesToWeight(r.cpuShares())));
        }
        if (r.cpuQuota() != null || r.cpuPeriod() != null) {
            long period = r.cpuPeriod() == null ? 100_000 : r.cpuPeriod();
            String quota = r.cpuQuota() == null || r.cpuQuota() < 0 ? "max" : r.cpuQuota().toString();
            CgroupFiles.write(dir.resolve("cpu.max"), quota + " " + period);
        }
        if (r.pidsLimit() != null) {
            CgroupFiles.write(dir.resolve("pids.max"), r.pidsLimit() < 0 ? "max" : r.pidsLimit().toString());
        }
        if (r.ioWeight() != null) {
            CgroupFiles.writeIfExists(dir.resolve("io.weight"), "default " + r.ioWeight());
        }
    }

    /** The conversion runc and crun use: shares 2..262144 onto weight 1..10000. */
    static long sharesToWeight(long shares) {
        return 1 + ((shares - 2) * 9999) / 262142;
    }

    @Override
    public boolean restrictDevices(String path) {
        return false; // v2 device control is an eBPF program attached to the cgroup: not implemented
    }

    @Override
    public boolean exists(String path) {
        return Files.isDirectory(root.resolve(path));
    }

    @Override
    public List<String> children(String path) {
        return CgroupFiles.subdirectories(root.resolve(path));
    }

    @Override
    public List<Path> procsFiles(String path) {
        return List.of(root.resolve(path).resolve("cgroup.procs"));
    }

    /** v2: cgroup.threads needs a threaded subtree, so a process joins through cgroup.procs (with the lock). */
    @Override
    public List<Path> selfJoinFiles(String path) {
        return procsFiles(path);
    }

    @Override
    public Path oomEventsFile(String path) {
        return root.resolve(path).resolve("memory.events");
    }

    @Override
    public List<Integer> pids(String path) {
        return CgroupFiles.readPids(root.resolve(path).resolve("cgroup.procs"));
    }

    @Override
    public CgroupStats stats(String path) {
        Path dir = root.resolve(path);
        long limit = CgroupFiles.readLong(dir.resolve("memory.max"), -1);
        return new CgroupStats(
                CgroupFiles.readKey(dir.resolve("cpu.stat"), "usage_usec", 0) * 1000,
                CgroupFiles.readLong(dir.resolve("memory.current"), 0),
                CgroupFiles.readLong(dir.resolve("memory.peak"), -1),
                limit,
                CgroupFiles.readLong(dir.resolve("pids.current"), 0),
                CgroupFiles.readKey(dir.resolve("memory.events"), "oom_kill", 0));
    }

    @Override
    public void killAll(String path) {
        if (!exists(path)) {
            return;
        }
        Path dir = root.resolve(path);
        // cgroup.kill (5.14+) kills the whole subtree atomically, fork bombs included.
        boolean atomic = CgroupFiles.writeIfExists(dir.resolve("cgroup.kill"), "1");
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (true) {
            List<Integer> pids = pids(path);
            if (pids.isEmpty()) {
                return;
            }
            if (!atomic) {
                CgroupFiles.writeIfExists(dir.resolve("cgroup.freeze"), "1");
                for (int pid : pids) {
                    Syscalls.kill(pid, 9);
                }
                CgroupFiles.writeIfExists(dir.resolve("cgroup.freeze"), "0");
            }
            if (System.nanoTime() > deadline) {
                throw new EngineException(ErrorCode.TIMEOUT, "processes " + pids + " in cgroup " + path
                        + " survived SIGKILL for 5 s");
            }
            CgroupFiles.sleep(5);
        }
    }

    @Override
    public void destroy(String path) {
        CgroupFiles.rmdir(root.resolve(path));
    }
}
