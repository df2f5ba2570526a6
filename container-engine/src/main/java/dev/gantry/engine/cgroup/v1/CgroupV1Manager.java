package dev.gantry.engine.cgroup.v1;

import dev.gantry.engine.EngineException;
import dev.gantry.engine.ErrorCode;
import dev.gantry.engine.cgroup.CgroupFiles;
import dev.gantry.engine.cgroup.CgroupManager;
import dev.gantry.engine.cgroup.CgroupResources;
import dev.gantry.engine.cgroup.CgroupStats;
import dev.gantry.engine.sys.Syscalls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * cgroup v1: one hierarchy per controller under {@code <root>/<controller>}. Controllers
 * mounted together (cpu,cpuacct) are detected through their real path and used once.
 */
public final class CgroupV1Manager implements CgroupManager {

    private static final List<String> REQUIRED = List.of("memory", "cpu", "pids");
    private static final List<String> OPTIONAL = List.of("cpuacct", "freezer", "blkio", "devices");

    /** runc's default allow list; everything else is denied. */
    static final List<String> DEVICE_RULES = List.of(
            "c *:* m", "b *:* m", "c 1:3 rwm", "c 1:5 rwm", "c 1:7 rwm", "c 1:8 rwm", "c 1:9 rwm",
            "c 5:0 rwm", "c 5:1 rwm", "c 5:2 rwm", "c 136:* rwm", "c 10:200 rwm");

    private final Path root;
    /** controller name → hierarchy mount point, deduplicated by real path. */
    private final Map<String, Path> hierarchies = new LinkedHashMap<>();

    public CgroupV1Manager(Path root) {
        this.root = root;
        List<Path> seen = new ArrayList<>();
        for (String c : concat(REQUIRED, OPTIONAL)) {
            Path p = root.resolve(c);
            if (!Files.isDirectory(p)) {
                if (REQUIRED.contains(c)) {
                    throw new EngineException(ErrorCode.KERNEL_FEATURE_MISSING,
                            "cgroup v1 controller " + c + " is not mounted at " + p);
                }
                continue;
            }
            Path real = realPath(p);
            hierarchies.put(c, seen.contains(real) ? null : p);
            seen.add(real);
        }
    }

    @Override
    public String version() {
        return "v1";
    }

    @Override
    public void create(String path, CgroupResources r) {
        for (Path h : distinct()) {
            CgroupFiles.mkdirs(h.resolve(path));
        }
        apply(path, r);
    }

    @Override
    public void apply(String path, CgroupResources r) {
        if (r.memoryLimit() != null) {
            Path mem = dir("memory", path);
            String limit = r.memoryLimit() == -1 ? "-1" : Long.toString(r.memoryLimit());
            // memsw must stay >= memory: order the writes so each one is valid on its own
            Path memsw = mem.resolve("memory.memsw.limit_in_bytes");
            if (Files.exists(memsw) && r.memoryLimit() == -1) {
                CgroupFiles.write(memsw, limit);
                CgroupFiles.write(mem.resolve("memory.limit_in_bytes"), limit);
            } else {
                long currentSw = CgroupFiles.readLong(memsw, Long.MAX_VALUE);
                if (Files.exists(memsw) && r.memoryLimit() > currentSw) {
                    CgroupFiles.write(memsw, limit);
                }
                CgroupFiles.write(mem.resolve("memory.limit_in_bytes"), limit);
                // no swap: memory+swap equals the memory limit
                CgroupFiles.writeIfExists(memsw, limit);
            }
        }
        Path cpu = dir("cpu", path);
        if (r.cpuShares() != null) {
            CgroupFiles.write(cpu.resolve("cpu.shares"), Long.toString(r.cpuShares()));
        }
        if (r.cpuPeriod() != null) {
            CgroupFiles.write(cpu.resolve("cpu.cfs_period_us"), Long.toString(r.cpuPeriod()));
        }
        if (r.cpuQuota() != null) {
            CgroupFiles.write(cpu.resolve("cpu.cfs_quota_us"), Long.toString(r.cpuQuota()));
        }
        if (r.pidsLimit() != null) {
            CgroupFiles.write(dir("pids", path).resolve("pids.max"), r.pidsLimit() < 0 ? "max" : Long.toString(r.pidsLimit()));
        }
        if (r.ioWeight() != null && hierarchies.get("blkio") != null) {
            Path blkio = dir("blkio", path);
            if (!CgroupFiles.writeIfExists(blkio.resolve("blkio.weight"), r.ioWeight().toString())) {
                CgroupFiles.writeIfExists(blkio.resolve("blkio.bfq.weight"), r.ioWeight().toString());
            }
        }
    }

    @Override
    public boolean restrictDevices(String path) {
        if (hierarchies.get("devices") == null) {
            return false;
        }
        Path dir = dir("devices", path);
        CgroupFiles.write(dir.resolve("devices.deny"), "a");
        for (String rule : DEVICE_RULES) {
            CgroupFiles.write(dir.resolve("devices.allow"), rule);
        }
        return true;
    }

    @Override
    public boolean exists(String path) {
        return Files.isDirectory(dir("memory", path));
    }

    @Override
    public List<String> children(String path) {
        return CgroupFiles.subdirectories(dir("memory", path));
    }

    @Override
    public List<Path> procsFiles(String path) {
        return inEachHierarchy(path, "cgroup.procs");
    }

    /** v1: the {@code tasks} files, where "0" moves the writing thread alone (cgroup.procs would move its process). */
    @Override
    public List<Path> selfJoinFiles(String path) {
        return inEachHierarchy(path, "tasks");
    }

    /** {@code file} of this cgroup in every distinct hierarchy (co-mounted controllers counted once). */
    private List<Path> inEachHierarchy(String path, String file) {
        List<Path> files = new ArrayList<>();
        for (Path h : distinct()) {
            files.add(h.resolve(path).resolve(file));
        }
        return files;
    }

    @Override
    public Path oomEventsFile(String path) {
        return dir("memory", path).resolve("memory.oom_control");
    }

    @Override
    public List<Integer> pids(String path) {
        return CgroupFiles.readPids(dir("pids", path).resolve("cgroup.procs"));
    }

    @Override
    public CgroupStats stats(String path) {
        Path mem = dir("memory", path);
        Path acct = hierarchies.containsKey("cpuacct") ? dir("cpuacct", path) : dir("cpu", path);
        long limit = CgroupFiles.readLong(mem.resolve("memory.limit_in_bytes"), -1);
        return new CgroupStats(
                CgroupFiles.readLong(acct.resolve("cpuacct.usage"), 0),
                CgroupFiles.readLong(mem.resolve("memory.usage_in_bytes"), 0),
                CgroupFiles.readLong(mem.resolve("memory.max_usage_in_bytes"), -1),
                limit >= Long.MAX_VALUE / 2 ? -1 : limit,
                CgroupFiles.readLong(dir("pids", path).resolve("pids.current"), 0),
                CgroupFiles.readKey(mem.resolve("memory.oom_control"), "oom_kill", 0));
    }

    @Override
    public void killAll(String path) {
        if (!exists(path)) {
            return;
        }
        Path freezer = hierarchies.get("freezer") == null ? null : dir("freezer", path).resolve("freezer.state");
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (true) {
            List<Integer> pids = pids(path);
            if (pids.isEmpty()) {
                return;
            }
            // Freeze so a fork bomb cannot outrun the kill loop; SIGKILL reaches frozen tasks
            // once thawed.
            boolean frozen = freezer != null && Files.exists(freezer) && freeze(freezer, "FROZEN");
            for (int pid : pids(path)) {
                Syscalls.kill(pid, 9);
            }
            if (frozen) {
                freeze(freezer, "THAWED");
            }
            if (System.nanoTime() > deadline) {
                throw new EngineException(ErrorCode.TIMEOUT, "processes " + pids(path) + " in cgroup " + path
                        + " survived SIGKILL for 5 s");
            }
            CgroupFiles.sleep(5);
        }
    }

    private static boolean freeze(Path state, String value) {
        CgroupFiles.write(state, value);
        if (value.equals("THAWED")) {
            return true;
        }
        for (int i = 0; i < 200; i++) {
            if (value.equals(CgroupFiles.read(state))) {
                return true;
            }
            CgroupFiles.sleep(1);
        }
        return false;
    }

    @Override
    public void destroy(String path) {
        for (Path h : distinct()) {
            CgroupFiles.rmdir(h.resolve(path));
        }
    }

    private Path dir(String controller, String path) {
        Path h = hierarchies.get(controller);
        if (h == null) {
            // co-mounted with an earlier controller: same directory tree under another name
            h = root.resolve(controller);
        }
        return h.resolve(path);
    }

    private List<Path> distinct() {
        List<Path> l = new ArrayList<>();
        for (Path p : hierarchies.values()) {
            if (p != null) {
                l.add(p);
            }
        }
        return l;
    }

    private static Path realPath(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException e) {
            return p;
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> l = new ArrayList<>(a);
        l.addAll(b);
        return l;
    }
}
