package dev.gantry.build;

import dev.gantry.build.stack.Stack;
import dev.gantry.engine.ContainerRuntime;
import dev.gantry.engine.EngineException;
import dev.gantry.engine.spec.CpuSpec;
import dev.gantry.engine.spec.MemorySpec;
import dev.gantry.engine.spec.MountSpec;
import dev.gantry.engine.spec.NamespaceSpec;
import dev.gantry.engine.spec.PidsSpec;
import dev.gantry.engine.spec.ProcessSpec;
import dev.gantry.engine.spec.ResourcesSpec;
import dev.gantry.engine.spec.RuntimeSpec;
import dev.gantry.engine.spec.SpecDefaults;
import dev.gantry.engine.spec.SpecLoader;
import dev.gantry.engine.sys.Syscalls;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One build container: the stack, the app at {@code /app} (BUILD_DIR, bind-mounted read-write, so paths
 * baked in by tools like virtualenvs are right at run time), the cache at {@code /cache}, config vars as
 * files in {@code /env}, the buildpacks at {@code /buildpacks/<n>}; user 1000, the app capability set, the
 * default seccomp profile, memory/CPU/pids limits and a wall-clock limit. Its init only sleeps; each step
 * (detect, compile, release) is an {@code exec}, so output streams line by line through a pipe.
 */
final class BuildContainer implements AutoCloseable {

    static final String IN_APP = "/app";
    static final String IN_CACHE = "/cache";
    static final String IN_ENV = "/env";
    static final String IN_BUILDPACKS = "/buildpacks";

    private final ContainerRuntime runtime;
    private final String id;
    private final Path bundle;
    private final ScheduledExecutorService timer;
    private final ScheduledFuture<?> deadline;
    private volatile boolean timedOut;
    private boolean created;

    record StepResult(int exitCode, List<String> output, boolean timedOut, boolean oomKilled) {
    }

    BuildContainer(ContainerRuntime runtime, String id, Path work, Stack stack, BuildRequest req, Path appDir,
                   Path cacheDir, Path envDir, Path buildpacksDir, Map<String, String> env) {
        this.runtime = runtime;
        this.id = id;
        this.bundle = work.resolve("bundle");
        long nofile = Math.min(16384, Syscalls.getrlimit(Syscalls.RLIMIT_NOFILE)[1]);
        RuntimeSpec s = SpecDefaults.app(List.of("/bin/sh", "-c", "trap 'exit 0' TERM; while :; do sleep 3600 & wait $!; done"),
                stack.rootfs().toString(), "build", nofile);
        List<String> envList = new ArrayList<>();
        env.forEach((k, v) -> envList.add(k + "=" + v));
        ProcessSpec p = s.process();
        s = s.withProcess(new ProcessSpec(false, p.user(), p.args(), envList, IN_APP, p.capabilities(), p.rlimits(),
                true, null));
        List<MountSpec> mounts = new ArrayList<>(s.mounts());
        mounts.addAll(stack.mounts());
        mounts.add(new MountSpec(IN_APP, "bind", appDir.toString(), List.of("bind", "nosuid", "nodev")));
        mounts.add(new MountSpec(IN_CACHE, "bind", cacheDir.toString(), List.of("bind", "nosuid", "nodev")));
        mounts.add(new MountSpec(IN_ENV, "bind", envDir.toString(), List.of("bind", "ro", "nosuid", "nodev", "noexec")));
        mounts.add(new MountSpec(IN_BUILDPACKS, "bind", buildpacksDir.toString(), List.of("bind", "nosuid", "nodev")));
        BuildLimits l = req.limits();
        long period = 100_000;
        ResourcesSpec res = new ResourcesSpec(new MemorySpec(l.memoryBytes(), l.memoryBytes(), null),
                new CpuSpec(null, Math.max(1000, (long) (l.cpus() * period)), period), new PidsSpec(l.pids()), null);
        String parent = req.cgroupParent() == null || req.cgroupParent().isBlank() ? "gantry/builds" : req.cgroupParent();
        var linux = s.linux().withResources(res).withCgroupsPath(parent + "/" + id);
        if (req.hostNetwork() && req.annotations().isEmpty()) {
            // TEMPORARY until container networking lands: registries are reachable through the host's network.
            List<NamespaceSpec> ns = linux.namespaces().stream().filter(n -> !n.type().equals("network")).toList();
            linux = linux.withNamespaces(ns);
        }
        s = new RuntimeSpec(s.ociVersion(), s.process(), s.root(), s.hostname(), s.domainname(), mounts, linux,
                new HashMap<>(req.annotations()));
        try {
            Files.createDirectories(bundle);
        } catch (IOException e) {
            throw new BuildException(BuildErrorCode.IO, "create " + bundle + ": " + e.getMessage(), e);
        }
        SpecLoader.write(s, bundle.resolve("config.json"));
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "build-timeout-" + id);
            t.setDaemon(true);
            return t;
        });
        try {
            runtime.create(id, bundle);
            created = true;
            runtime.start(id);
        } catch (EngineException e) {
            timer.shutdownNow();
            close();
            throw new BuildException(BuildErrorCode.ENGINE, "start build container: " + e.getMessage(), e);
        }
        this.deadline = timer.schedule(this::timeout, l.timeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    private void timeout() {
        timedOut = true;
        try {
            // SIGKILL to the init ends the pid namespace: every exec'd step dies with it.
            runtime.kill(id, 9);
        } catch (RuntimeException ignored) {
            // already gone
        }
    }

    boolean timedOut() {
        return timedOut;
    }

    /**
     * Runs args in the container with stderr merged into stdout. Each line goes to {@code sink} (when not null)
     * as it arrives; the last {@code keep} lines are returned.
     */
    StepResult run(List<String> args, Consumer<String> sink, int keep) {
        if (timedOut) {
            return new StepResult(137, List.of(), true, false);
        }
        List<String> sh = new ArrayList<>(List.of("/bin/sh", "-c", "exec \"$@\" 2>&1", "sh"));
        sh.addAll(args);
        long oomBefore = oomKills();
        Process p;
        try {
            p = runtime.exec(id, sh);
        } catch (EngineException e) {
            if (timedOut) {
                return new StepResult(137, List.of(), true, false);
            }
            throw new BuildException(BuildErrorCode.ENGINE, "exec in build container: " + e.getMessage(), e);
        }
        ArrayDeque<String> last = new ArrayDeque<>();
        try {
            p.getOutputStream().close();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (sink != null) {
                        sink.accept(line);
                    }
                    last.addLast(line);
                    if (last.size() > keep) {
                        last.removeFirst();
                    }
                }
            }
            int rc = p.waitFor();
            boolean oom = oomKills() > oomBefore; // something in the step was OOM-killed
            return new StepResult(rc, List.copyOf(last), timedOut, oom);
        } catch (IOException e) {
            throw new BuildException(BuildErrorCode.IO, "read build output: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new BuildException(BuildErrorCode.TIMEOUT, "build interrupted", e);
        }
    }

    private long oomKills() {
        try {
            return runtime.stats(id).oomKills();
        } catch (RuntimeException e) {
            return 0;
        }
    }

    @Override
    public void close() {
        if (deadline != null) {
            deadline.cancel(false);
        }
        timer.shutdownNow();
        if (created) {
            try {
                runtime.delete(id, true);
            } catch (EngineException e) {
                if (e.code() != dev.gantry.engine.ErrorCode.NOT_FOUND) {
                    throw new BuildException(BuildErrorCode.ENGINE, "delete build container " + id + ": " + e.getMessage(), e);
                }
            }
            created = false;
        }
    }
}
