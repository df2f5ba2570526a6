package dev.gantry.platform.instance;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.gantry.engine.ContainerRuntime;
import dev.gantry.engine.ContainerState;
import dev.gantry.engine.ContainerStatus;
import dev.gantry.engine.EngineException;
import dev.gantry.engine.LinuxContainerRuntime;
import dev.gantry.engine.ErrorCode;
import dev.gantry.engine.ExitStatus;
import dev.gantry.engine.cgroup.CgroupFiles;
import dev.gantry.engine.cgroup.CgroupManager;
import dev.gantry.engine.cgroup.CgroupResources;
import dev.gantry.engine.cgroup.CgroupStats;
import dev.gantry.engine.net.NetworkRequest;
import dev.gantry.engine.spec.CpuSpec;
import dev.gantry.engine.spec.MemorySpec;
import dev.gantry.engine.spec.PidsSpec;
import dev.gantry.engine.spec.ResourcesSpec;
import dev.gantry.engine.spec.RuntimeSpec;
import dev.gantry.engine.spec.SpecLoader;
import dev.gantry.platform.FileTrees;
import dev.gantry.platform.quota.Quota;

/**
 * Instances as containers of Gantry's own engine on this machine. Cgroups follow the design's layout
 * {@code gantry/<tenant>/<app>/<instance>}: the tenant level carries the tenant's quota, the instance level its
 * size. Bundles (config.json) live under {@code <data>/bundles}; the engine's state dir holds the rest, so a
 * restarted platform finds every instance again through {@link #list()}.
 */
public class LocalEngineBackend implements InstanceBackend {

    private static final String PORT_ANNOTATION = "dev.gantry.platform.port";

    /** The port apps listen on inside their own network namespace, as on Heroku-style platforms. */
    static final int CONTAINER_PORT = 5000;
    private static final long PIDS_PER_INSTANCE = 1024;
    private static final long CPU_PERIOD_US = 100_000;

    /** How instances are reached: each in its own network namespace (default), or on host ports (no isolation). */
    public enum NetworkMode { ISOLATED, HOST }

    private final ContainerRuntime runtime;
    private final CgroupManager cgroups;
    private final ImageLauncher images;
    private final Path bundles;
    private final NetworkMode network;
    private final Map<String, Long> tenantOomKills = new java.util.concurrent.ConcurrentHashMap<>();

    public LocalEngineBackend(ContainerRuntime runtime, CgroupManager cgroups, ImageLauncher images, Path bundles,
                              NetworkMode network) {
        this.runtime = runtime;
        this.cgroups = cgroups;
        this.images = images;
        this.bundles = bundles;
        this.network = network;
    }

    @Override
    public List<Instance> list() {
        List<Instance> out = new ArrayList<>();
        for (ContainerState s : runtime.list()) {
            InstanceLabels.fromAnnotations(s.annotations()).ifPresent(labels -> out.add(toInstance(s, labels)));
        }
        return out;
    }

    private Instance toInstance(ContainerState s, InstanceLabels labels) {
        Map<String, String> a = s.annotations();
        String host = s.networkAddress() != null ? s.networkAddress() : "127.0.0.1";
        int port = Integer.parseInt(a.getOrDefault(PORT_ANNOTATION, Integer.toString(CONTAINER_PORT)));
        boolean running = s.status() == ContainerStatus.RUNNING || s.status() == ContainerStatus.CREATED;
        Instance.Exit exit = s.exit() == null ? null : new Instance.Exit(s.exit().exitCode(),
                s.exit().oomKilled() || (s.exit().exitCode() == 137 && tenantRanOutOfMemory(labels.tenant())));
        if (!running && exit == null) {
            exit = new Instance.Exit(-1, false); // the shim died without a record
        }
        return new Instance(s.id(), labels, host, port, running ? Instance.Status.RUNNING : Instance.Status.EXITED,
                labels.launchedAt(), exit);
    }

    /**
     * An instance SIGKILLed while its tenant's cgroup counted a new OOM kill died for the tenant's quota: the
     * kernel counts such a kill at the tenant level, not in the instance's own cgroup, so the engine cannot tell.
     */
    private boolean tenantRanOutOfMemory(String tenant) {
        long kills = CgroupFiles.readKey(cgroups.oomEventsFile("gantry/" + tenant), "oom_kill", 0);
        Long seen = tenantOomKills.put(tenant, kills);
        return kills > (seen == null ? 0 : seen);
    }

    @Override
    public Instance launch(LaunchRequest r) {
        int port = network == NetworkMode.HOST ? freeHostPort() : CONTAINER_PORT;
        Map<String, String> env = new HashMap<>(r.env());
        env.put("PORT", Integer.toString(port));
        RuntimeSpec spec = images.spec(r.image(), r.labels().type(), r.command(), env, r.labels().app());
        Map<String, String> annotations = new HashMap<>(spec.annotations());
        annotations.putAll(r.labels().toAnnotations());
        annotations.put(PORT_ANNOTATION, Integer.toString(port));
        spec = spec.withAnnotations(annotations);
        if (network == NetworkMode.ISOLATED) {
            spec = new NetworkRequest(r.labels().tenant(), r.egress()).applyTo(spec);
        }
        spec = spec.withLinux(spec.linux()
                .withCgroupsPath(cgroupOf(r.labels().tenant(), r.labels().app(), r.id()))
                .withResources(resources(r.memoryMb(), r.millicpus(), Math.max(r.millicpus(), r.bootMillicpus()))));
        if (network == NetworkMode.HOST) {
            spec = spec.withLinux(spec.linux().withNamespaces(spec.linux().namespaces().stream()
                    .filter(n -> !n.type().equals("network")).toList()));
        }
        Path bundle = bundles.resolve(r.id());
        try {
            Files.createDirectories(bundle);
            SpecLoader.write(spec, bundle.resolve("config.json"));
            runtime.create(r.id(), bundle);
            runtime.start(r.id());
            return toInstance(runtime.state(r.id()), r.labels());
        } catch (IOException | RuntimeException e) {
            remove(r.id());
            if (e instanceof RuntimeException re) {
                throw re;
            }
            throw new EngineException(ErrorCode.IO, "write the bundle of " + r.id() + ": " + e.getMessage(), e);
        }
    }

    static String cgroupOf(String tenant, String app, String id) {
        return "gantry/" + tenant + "/" + app + "/" + id;
    }

    /**
     * @param capMillicpus the CFS quota to start with: the size's, or more while the instance boots (lowered by
     *                     {@link #limitCpu} once it is up)
     */
    private static ResourcesSpec resources(int memoryMb, int millicpus, int capMillicpus) {
        long bytes = memoryMb * 1024L * 1024L;
        // Shares weigh instances against each other when the CPU is busy (always the size's: a booting instance
        // takes idle CPU, not its neighbours' share); the quota is the hard cap.
        long shares = Math.max(2, millicpus * 1024L / 1000);
        return new ResourcesSpec(new MemorySpec(bytes, bytes, null), new CpuSpec(shares, cfsQuota(capMillicpus),
                CPU_PERIOD_US), new PidsSpec(PIDS_PER_INSTANCE), null);
    }

    private static long cfsQuota(int millicpus) {
        return Math.max(1000, millicpus * CPU_PERIOD_US / 1000);
    }

    @Override
    public void limitCpu(Instance instance, int millicpus) {
        InstanceLabels l = instance.labels();
        cgroups.apply(cgroupOf(l.tenant(), l.app(), instance.id()),
                new CgroupResources(null, null, cfsQuota(millicpus), CPU_PERIOD_US, null, null));
    }

    /** A port nobody listens on now; instances on host ports are a development mode, so a rare race is fine. */
    private static int freeHostPort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new EngineException(ErrorCode.IO, "find a free port: " + e.getMessage(), e);
        }
    }

    /**
     * Frees addresses and devices of containers that vanished without a clean delete (a shim killed, a forced
     * removal by hand); the reconciler calls it now and then.
     */
    @Override
    public void collectGarbage() {
        if (network == NetworkMode.ISOLATED && runtime instanceof LinuxContainerRuntime linux) {
            linux.reconcileNetworks();
        }
    }

    @Override
    public Optional<Instance.Exit> awaitExit(String id, Duration timeout) {
        try {
            ExitStatus e = runtime.awaitExit(id, timeout);
            return e == null ? Optional.empty() : Optional.of(new Instance.Exit(e.exitCode(), e.oomKilled()));
        } catch (EngineException e) {
            if (e.code() == ErrorCode.TIMEOUT) {
                return Optional.empty();
            }
            throw e;
        }
    }

    @Override
    public Instance.Exit stop(String id, Duration grace) {
        try {
            ExitStatus e = runtime.stop(id, grace);
            return e == null ? null : new Instance.Exit(e.exitCode(), e.oomKilled());
        } catch (EngineException e) {
            if (e.code() != ErrorCode.NOT_FOUND) {
                throw e;
            }
            return null;
        }
    }

    @Override
    public void remove(String id) {
        try {
            runtime.delete(id, true);
        } catch (EngineException e) {
            if (e.code() != ErrorCode.NOT_FOUND) {
                throw e;
            }
        } finally {
            try {
                FileTrees.deleteTree(bundles.resolve(id));
            } catch (IOException ignored) {
                // a leftover bundle dir is harmless and is overwritten by the next launch with this id
            }
        }
    }

    @Override
    public Optional<Usage> usage(String id) {
        try {
            CgroupStats s = runtime.stats(id);
            return Optional.of(new Usage(s.cpuUsageNanos(), s.memoryBytes(), s.memoryLimitBytes()));
        } catch (EngineException e) {
            return Optional.empty();
        }
    }

    @Override
    public void limitTenant(String tenant, Quota quota) {
        long memory = quota.memoryMb() == null ? -1 : quota.memoryMb() * 1024L * 1024L;
        long cpuQuota = quota.millicpus() == null ? -1 : quota.millicpus() * CPU_PERIOD_US / 1000;
        long pids = quota.instances() == null ? -1 : (quota.instances() + 2) * PIDS_PER_INSTANCE;
        cgroups.create("gantry/" + tenant, new CgroupResources(memory, null, cpuQuota, CPU_PERIOD_US, pids, null));
    }

    @Override
    public boolean forget(String tenant, String app) {
        return destroyTree("gantry/" + tenant + (app == null ? "" : "/" + app));
    }

    /** Removes a cgroup and the empty ones below it; false if one is still in use (a build, a run). */
    private boolean destroyTree(String path) {
        try {
            boolean all = true;
            for (String child : cgroups.children(path)) {
                all &= destroyTree(path + "/" + child);
            }
            if (all) {
                cgroups.destroy(path);
            }
            return all;
        } catch (EngineException e) {
            return false;
        }
    }

    /**
     * Reads the engine's CRI-format log ({@code <time> <stdout|stderr> <F|P> <text>}). When the engine rotated the
     * file (it is smaller than the offset), reading starts again at its beginning.
     */
    @Override
    public LogChunk readLog(String id, long offset) {
        Path file;
        try {
            file = runtime.logFile(id);
        } catch (EngineException e) {
            return new LogChunk(List.of(), offset);
        }
        if (!Files.exists(file)) {
            return new LogChunk(List.of(), offset);
        }
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            long length = f.length();
            long from = length < offset ? 0 : offset;
            int size = (int) Math.min(length - from, 1 << 20);
            if (size <= 0) {
                return new LogChunk(List.of(), from);
            }
            byte[] buf = new byte[size];
            f.seek(from);
            f.readFully(buf);
            int end = lastNewline(buf);
            if (end < 0) {
                return new LogChunk(List.of(), from);
            }
            List<LogEntry> entries = new ArrayList<>();
            for (String line : new String(buf, 0, end, StandardCharsets.UTF_8).split("\n")) {
                String[] f4 = line.split(" ", 4);
                if (f4.length == 4) {
                    entries.add(new LogEntry(f4[1], f4[3]));
                }
            }
            return new LogChunk(entries, from + end + 1);
        } catch (IOException e) {
            return new LogChunk(List.of(), offset);
        }
    }

    private static int lastNewline(byte[] buf) {
        for (int i = buf.length - 1; i >= 0; i--) {
            if (buf[i] == '\n') {
                return i;
            }
        }
        return -1;
    }
}
