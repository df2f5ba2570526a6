package dev.gantry.engine;

import dev.gantry.engine.cgroup.CgroupManager;
import dev.gantry.engine.cgroup.CgroupManagers;
import dev.gantry.engine.cgroup.CgroupResources;
import dev.gantry.engine.cgroup.CgroupStats;
import dev.gantry.engine.net.Attachment;
import dev.gantry.engine.net.BridgeNetwork;
import dev.gantry.engine.net.EtcFiles;
import dev.gantry.engine.net.NetworkRequest;
import dev.gantry.engine.net.NetworkSettings;
import dev.gantry.engine.rootfs.OverlayRootfs;
import dev.gantry.engine.security.SeccompCompiler;
import dev.gantry.engine.spec.ProcessSpec;
import dev.gantry.engine.spec.RuntimeSpec;
import dev.gantry.engine.spec.SpecLoader;
import dev.gantry.engine.spec.SpecValidator;
import dev.gantry.engine.sys.ProcFs;
import dev.gantry.engine.sys.Syscalls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.locks.LockSupport;

/**
 * The engine on Linux: namespaces and mounts through the C shim, cgroups and overlayfs from
 * the JVM. All state is in files under the state directory, so a new instance (or the CLI in
 * another process) picks up containers created by an earlier one.
 */
public final class LinuxContainerRuntime implements ContainerRuntime {

    /** Colon-separated lower layers (topmost first) instead of root.path. */
    public static final String LAYERS_ANNOTATION = "dev.gantry.rootfs.layers";

    private static final int SIGTERM = 15;
    private static final int SIGKILL = 9;

    private final StateStore store;
    private final CgroupManager cgroups;
    private final Path shim;
    private final NetworkSettings netSettings;
    private BridgeNetwork network;

    public LinuxContainerRuntime(Path stateRoot) {
        this(stateRoot, CgroupManagers.forHost());
    }

    public LinuxContainerRuntime(Path stateRoot, CgroupManager cgroups) {
        this(stateRoot, cgroups, null);
    }

    /**
     * @param net host-wide network settings; null reads them from the environment
     *            ({@link NetworkSettings#fromEnvironment()}) when a container first asks for a network
     */
    public LinuxContainerRuntime(Path stateRoot, CgroupManager cgroups, NetworkSettings net) {
        this.store = new StateStore(stateRoot.toAbsolutePath());
        this.cgroups = cgroups;
        this.shim = ShimBinary.locate(store.root());
        this.netSettings = net;
    }

    /** Tenant networks (bridges, IPAM, firewall); created on first use. */
    public synchronized BridgeNetwork network() {
        if (network == null) {
            network = new BridgeNetwork(netSettings != null ? netSettings : NetworkSettings.fromEnvironment());
        }
        return network;
    }

    /**
     * Frees the addresses, veths and empty bridges of containers that are gone (shim or init
     * died, deleted by force elsewhere, state dir removed) and rewrites the firewall sets; the
     * platform's reconciler calls it periodically. Returns what it released.
     */
    public List<Attachment> reconcileNetworks() {
        return network().reconcile();
    }

    public Path stateRoot() {
        return store.root();
    }

    public CgroupManager cgroups() {
        return cgroups;
    }

    @Override
    public ContainerState create(String id, Path bundle) {
        requireRoot();
        Path b = bundle.toAbsolutePath().normalize();
        store.dir(id); // validates the id before anything else
        RuntimeSpec spec = SpecLoader.load(b);
        NetworkRequest net = NetworkRequest.of(spec);
        Path dir = store.claim(id);
        String cgroupPath = cgroupPath(spec, id);
        OverlayRootfs rootfs = new OverlayRootfs(dir);
        ContainerRecord rec = new ContainerRecord(id, spec.ociVersion(), b.toString(), rootfs.merged().toString(),
                true, cgroupPath, 0, -1, 0, -1, Instant.now().toString(), spec.annotations());
        try {
            store.save(rec);
            RuntimeSpec effective = spec;
            if (net != null) {
                Attachment a = network().allocate(store.root(), id, net);
                effective = withNetworkFiles(spec, dir, id, a);
                rec = rec.withAnnotations(networkAnnotations(spec.annotations(), a));
                store.save(rec);
            }
            // before the shim runs: the init's mount namespace is a copy of ours at clone() time
            rootfs.mount(layers(spec, b));
            cgroups.create(cgroupPath, CgroupResources.from(spec.linux().resources()));
            cgroups.restrictDevices(cgroupPath);
            SpecConverter.monitor(effective, dir, cgroupPath, cgroups).writeTo(dir.resolve("monitor.conf"));
            // The shim clones the init and moves it into its cgroups, which waits for an RCU grace period
            // (cgroup v1); the rest of the preparation happens meanwhile.
            ShimCreate shimCreate = ShimCreate.start(shim, dir);
            try {
                SpecLoader.write(spec, dir.resolve("config.json"));
                makeExecFifo(dir.resolve("exec.fifo"));
                Path seccomp = writeSeccomp(spec, dir.resolve("seccomp.bpf"));
                SpecConverter.init(effective, rootfs.merged(), dir, cgroupPath, cgroups, seccomp)
                        .writeTo(dir.resolve("init.conf"));
            } catch (RuntimeException e) {
                try {
                    shimCreate.abandon();
                } catch (RuntimeException gone) {
                    e.addSuppressed(gone);
                }
                throw e;
            }
            int[] pids = shimCreate.go();
            rec = rec.withProcesses(pids[0], ProcFs.startTime(pids[0]), pids[1], ProcFs.startTime(pids[1]));
            store.save(rec);
            if (net != null) {
                // before start: the app sees eth0, its address and route from its first instruction
                network().attach(store.root(), id, rec.pid(), rec.pidStartTime());
            }
            return state(id);
        } catch (RuntimeException e) {
            try {
                destroy(rec, rootfs);
            } catch (RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    /**
     * /etc/hosts, /etc/hostname, /etc/resolv.conf bind-mounted from the state dir, after the spec's mounts. They
     * replace any mount of the spec at the same places (a stack that binds the host's resolv.conf for containers
     * on the host network): a container on its own network has its own name and address.
     */
    private static RuntimeSpec withNetworkFiles(RuntimeSpec spec, Path dir, String id, Attachment a) {
        String hostname = spec.hostname() == null || spec.hostname().isEmpty() ? id : spec.hostname();
        List<dev.gantry.engine.spec.MountSpec> network = EtcFiles.write(dir, hostname, a.address());
        List<dev.gantry.engine.spec.MountSpec> mounts = new ArrayList<>(spec.mounts());
        mounts.removeIf(m -> network.stream().anyMatch(n -> n.destination().equals(m.destination())));
        mounts.addAll(network);
        return spec.withMounts(mounts);
    }

    private static Map<String, String> networkAnnotations(Map<String, String> spec, Attachment a) {
        Map<String, String> m = new TreeMap<>(spec); // sorted: stable state.json and `state` output
        m.put(NetworkRequest.ADDRESS, a.address());
        m.put(NetworkRequest.PREFIX, Integer.toString(a.prefix()));
        m.put(NetworkRequest.GATEWAY, a.gateway());
        m.put(NetworkRequest.BRIDGE, a.bridge());
        return Collections.unmodifiableMap(m);
    }

    /**
     * The init opens the FIFO for writing after it switched to the app user, so others may
     * write (runc uses 0622 too); chmod because mkfifo applies the umask.
     */
    private static void makeExecFifo(Path fifo) {
        Syscalls.mkfifo(fifo.toString(), 0622);
        try {
            Files.setPosixFilePermissions(fifo, java.nio.file.attribute.PosixFilePermissions.fromString("rw--w--w-"));
        } catch (IOException e) {
            throw new EngineException(ErrorCode.IO, "chmod " + fifo + ": " + e.getMessage(), e);
        }
    }

    private static List<Path> layers(RuntimeSpec spec, Path bundle) {
        String layers = spec.annotation(LAYERS_ANNOTATION);
        if (layers == null || layers.isBlank()) {
            return List.of(bundle.resolve(spec.root().path()));
        }
        return Arrays.stream(layers.split(":")).map(Path::of).toList();
    }

    private static String cgroupPath(RuntimeSpec spec, String id) {
        String p = spec.linux().cgroupsPath();
        if (p == null || p.isBlank()) {
            return "gantry/" + id;
        }
        return p.startsWith("/") ? p.substring(1) : p;
    }

    private static Path writeSeccomp(RuntimeSpec spec, Path file) {
        if (spec.linux().seccomp() == null) {
            return null;
        }
        try {
            Files.write(file, SeccompCompiler.compile(spec.linux().seccomp()));
            return file;
        } catch (IOException e) {
            throw new EngineException(ErrorCode.IO, "write " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void start(String id) {
        ContainerRecord rec = store.load(id);
        ContainerStatus status = status(rec);
        if (status != ContainerStatus.CREATED) {
            throw new EngineException(ErrorCode.INVALID_STATE, "container " + id + " is " + status.ociName()
                    + ", only a created container can be started");
        }
        Path fifo = store.dir(id).resolve("exec.fifo");
        // Non-blocking open: if the init died meanwhile, a blocking open would wait forever.
        int fd = Syscalls.open(fifo.toString(), Syscalls.O_RDONLY | Syscalls.O_NONBLOCK | Syscalls.O_CLOEXEC);
        try {
            byte[] one = new byte[1];
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            int spins = 0;
            while (Syscalls.read(fd, one) != 1) {
                if (!ProcFs.isAlive(rec.pid(), rec.pidStartTime())) {
                    // It may have written its byte, exec'd and exited between our read and
                    // the check: read once more before concluding it was never started.
                    if (Syscalls.read(fd, one) == 1) {
                        break;
                    }
                    throw new EngineException(ErrorCode.INVALID_STATE, "container " + id + " exited before start");
                }
                if (System.nanoTime() > deadline) {
                    throw new EngineException(ErrorCode.TIMEOUT, "container " + id + " did not take the start signal in 10 s");
                }
                if (++spins > 100) {
                    LockSupport.parkNanos(100_000);
                } else {
                    Thread.onSpinWait();
                }
            }
        } finally {
            Syscalls.close(fd);
        }
        try {
            Files.deleteIfExists(fifo);
        } catch (IOException e) {
            throw new EngineException(ErrorCode.IO, "remove " + fifo + ": " + e.getMessage(), e);
        }
    }

    @Override
    public ContainerState state(String id) {
        ContainerRecord rec = store.load(id);
        ContainerStatus status = status(rec);
        ExitStatus exit = status == ContainerStatus.STOPPED ? settledExit(rec) : null;
        Integer pid = status == ContainerStatus.CREATED || status == ContainerStatus.RUNNING ? rec.pid() : null;
        return new ContainerState(rec.ociVersion(), id, status, pid, rec.bundle(), rec.annotations(), rec.created(),
                rec.cgroupsPath(), exit);
    }

    private ContainerStatus status(ContainerRecord rec) {
        if (Files.exists(store.dir(rec.id()).resolve("exit.json"))) {
            return ContainerStatus.STOPPED;
        }
        if (rec.pid() == 0) {
            return ContainerStatus.CREATING;
        }
        if (!ProcFs.isAlive(rec.pid(), rec.pidStartTime())) {
            return ContainerStatus.STOPPED;
        }
        return Files.exists(store.dir(rec.id()).resolve("exec.fifo")) ? ContainerStatus.CREATED : ContainerStatus.RUNNING;
    }

    /**
     * The exit status of a stopped container. The init is gone a moment before its shim has
     * reaped it and written exit.json: wait for that (briefly) rather than report no status.
     */
    private ExitStatus settledExit(ContainerRecord rec) {
        long deadline = System.nanoTime() + 1_000_000_000L;
        while (true) {
            ExitStatus e = store.exitStatus(rec.id());
            if (e != null || !ProcFs.isAlive(rec.shimPid(), rec.shimStartTime()) || System.nanoTime() > deadline) {
                return e;
            }
            LockSupport.parkNanos(500_000);
        }
    }

    @Override
    public List<ContainerState> list() {
        List<ContainerState> l = new ArrayList<>();
        for (String id : store.ids()) {
            try {
                l.add(state(id));
            } catch (EngineException e) {
                if (e.code() != ErrorCode.NOT_FOUND) { // deleted meanwhile
                    throw e;
                }
            }
        }
        return l;
    }

    @Override
    public void kill(String id, int signal) {
        ContainerRecord rec = store.load(id);
        ContainerStatus status = status(rec);
        if (status != ContainerStatus.CREATED && status != ContainerStatus.RUNNING) {
            throw new EngineException(ErrorCode.INVALID_STATE, "container " + id + " is " + status.ociName()
                    + ", there is no process to signal");
        }
        if (!Syscalls.killExact(rec.pid(), rec.pidStartTime(), signal)) {
            throw new EngineException(ErrorCode.INVALID_STATE, "container " + id + " exited before it could be signalled");
        }
    }

    @Override
    public ExitStatus stop(String id, Duration grace) {
        ContainerState s = state(id);
        if (s.status() == ContainerStatus.STOPPED) {
            return s.exit();
        }
        kill(id, SIGTERM);
        try {
            return awaitExit(id, grace);
        } catch (EngineException e) {
            if (e.code() != ErrorCode.TIMEOUT) {
                throw e;
            }
        }
        if (state(id).status() != ContainerStatus.STOPPED) {
            kill(id, SIGKILL);
        }
        return awaitExit(id, Duration.ofSeconds(10));
    }

    @Override
    public ExitStatus awaitExit(String id, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        ContainerRecord rec = store.load(id);
        while (true) {
            ExitStatus e = store.exitStatus(id);
            if (e != null) {
                return e;
            }
            if (!ProcFs.isAlive(rec.shimPid(), rec.shimStartTime()) && store.exitStatus(id) == null) {
                throw new EngineException(ErrorCode.SHIM, "the shim of container " + id
                        + " is gone without recording an exit status (see " + store.dir(id).resolve("shim.log") + ")");
            }
            if (System.nanoTime() > deadline) {
                throw new EngineException(ErrorCode.TIMEOUT, "container " + id + " still running after " + timeout);
            }
            LockSupport.parkNanos(1_000_000);
        }
    }

    @Override
    public void delete(String id, boolean force) {
        ContainerRecord rec = store.load(id);
        ContainerStatus status = status(rec);
        if ((status == ContainerStatus.RUNNING || status == ContainerStatus.CREATED) && !force) {
            throw new EngineException(ErrorCode.INVALID_STATE, "container " + id + " is " + status.ociName()
                    + ": stop it first or delete with force");
        }
        destroy(rec, new OverlayRootfs(store.dir(id)));
    }

    /** Tears down whatever exists of a container, in reverse order of creation. */
    private void destroy(ContainerRecord rec, OverlayRootfs rootfs) {
        if (cgroups.exists(rec.cgroupsPath())) {
            cgroups.killAll(rec.cgroupsPath());
        }
        if (rec.pid() > 0) {
            Syscalls.killExact(rec.pid(), rec.pidStartTime(), SIGKILL); // not in the cgroup yet (creation failed early)
        }
        // The shim exits once its init is reaped and the log pipes are closed.
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (rec.shimPid() > 0 && ProcFs.isAlive(rec.shimPid(), rec.shimStartTime())) {
            if (System.nanoTime() > deadline) {
                Syscalls.killExact(rec.shimPid(), rec.shimStartTime(), SIGKILL);
                break;
            }
            LockSupport.parkNanos(500_000);
        }
        rootfs.unmount();
        if (OverlayRootfs.isMounted(rootfs.merged())) {
            throw new EngineException(ErrorCode.INVALID_STATE, "rootfs " + rootfs.merged() + " is still mounted");
        }
        if (cgroups.exists(rec.cgroupsPath())) {
            cgroups.destroy(rec.cgroupsPath());
        }
        if (rec.annotations() != null && rec.annotations().containsKey(NetworkRequest.TENANT)) {
            network().release(store.root(), rec.id());
        }
        store.remove(rec.id());
    }

    @Override
    public Process exec(String id, List<String> args) {
        RuntimeSpec spec = storedSpec(id);
        return exec(id, spec.process().withArgs(args));
    }

    @Override
    public Process exec(String id, ProcessSpec process) {
        SpecValidator.validateProcess(process, "process");
        ContainerRecord rec = store.load(id);
        if (status(rec) != ContainerStatus.RUNNING) {
            throw new EngineException(ErrorCode.INVALID_STATE, "container " + id + " is " + status(rec).ociName()
                    + ", exec needs a running container");
        }
        Path dir = store.dir(id);
        Path seccomp = Files.exists(dir.resolve("seccomp.bpf")) ? dir.resolve("seccomp.bpf") : null;
        Path conf = dir.resolve("exec-" + UUID.randomUUID() + ".conf");
        SpecConverter.exec(process, rec.pid(), rec.cgroupsPath(), cgroups, seccomp).writeTo(conf);
        try {
            Process p = new ProcessBuilder(shim.toString(), "exec", conf.toString()).start();
            p.onExit().thenRun(() -> deleteQuietly(conf));
            return p;
        } catch (IOException e) {
            deleteQuietly(conf);
            throw new EngineException(ErrorCode.IO, "run " + shim + ": " + e.getMessage(), e);
        }
    }

    /** The spec the container was created with (a copy, so later bundle edits do not matter). */
    public RuntimeSpec storedSpec(String id) {
        store.load(id);
        try {
            return SpecLoader.parse(Files.readAllBytes(store.dir(id).resolve("config.json")), id + "/config.json");
        } catch (IOException e) {
            throw new EngineException(ErrorCode.IO, "read spec of " + id + ": " + e.getMessage(), e);
        }
    }

    @Override
    public List<Integer> ps(String id) {
        ContainerRecord rec = store.load(id);
        return cgroups.exists(rec.cgroupsPath()) ? cgroups.pids(rec.cgroupsPath()) : List.of();
    }

    @Override
    public CgroupStats stats(String id) {
        return cgroups.stats(store.load(id).cgroupsPath());
    }

    @Override
    public void events(String id, Duration interval, java.util.function.Predicate<ContainerEvent> sink) {
        ContainerRecord rec = store.load(id);
        long oomKills = 0;
        long nextStats = System.nanoTime();
        while (true) {
            ExitStatus exit = store.exitStatus(id);
            boolean cgroupThere = cgroups.exists(rec.cgroupsPath());
            CgroupStats stats = cgroupThere ? cgroups.stats(rec.cgroupsPath()) : null;
            if (stats != null && stats.oomKills() > oomKills) {
                oomKills = stats.oomKills();
                if (!sink.test(new ContainerEvent(ContainerEvent.OOM, id, Instant.now().toString(), stats, null))) {
                    return;
                }
            }
            if (exit != null || status(rec) == ContainerStatus.STOPPED) {
                sink.test(new ContainerEvent(ContainerEvent.EXIT, id, Instant.now().toString(), stats, settledExit(rec)));
                return;
            }
            if (System.nanoTime() >= nextStats) {
                nextStats += interval.toNanos();
                if (!sink.test(new ContainerEvent(ContainerEvent.STATS, id, Instant.now().toString(), stats, null))) {
                    return;
                }
            }
            // OOM and exit are noticed within 20 ms; stats keep their own pace
            LockSupport.parkNanos(Math.min(20_000_000L, Math.max(1_000_000L, nextStats - System.nanoTime())));
        }
    }

    @Override
    public Path logFile(String id) {
        store.load(id);
        return store.dir(id).resolve("container.log");
    }

    private static void requireRoot() {
        int euid = Syscalls.geteuid();
        if (euid != 0) {
            throw new EngineException(ErrorCode.NOT_ROOT, "the engine needs root to create namespaces, mounts and "
                    + "cgroups (running as uid " + euid + "); rootless mode is not implemented");
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // a leftover exec config is harmless and removed with the container
        }
    }
}
