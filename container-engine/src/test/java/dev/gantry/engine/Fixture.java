package dev.gantry.engine;

import dev.gantry.engine.cgroup.CgroupManagers;
import dev.gantry.engine.spec.RuntimeSpec;
import dev.gantry.engine.spec.SpecDefaults;
import dev.gantry.engine.spec.SpecLoader;
import dev.gantry.engine.sys.Syscalls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A real engine on a temp state dir, a busybox rootfs and a cgroup subtree
 * {@code gantry-test-<random>}; {@link #close()} removes containers, mounts and cgroups even
 * after a failed test, so leftovers (if any) are recognisable by name.
 */
public final class Fixture implements AutoCloseable {

    public final Path work;
    public final Path rootfs;
    public final String cgroupPrefix;
    public final LinuxContainerRuntime runtime;
    private final AtomicInteger seq = new AtomicInteger();

    public Fixture() throws IOException, InterruptedException {
        TestEnv.assumeRealContainers();
        work = Files.createTempDirectory("gantry-test-");
        rootfs = TestEnv.makeRootfs(work.resolve("rootfs"));
        cgroupPrefix = "gantry-test-" + UUID.randomUUID().toString().substring(0, 8);
        runtime = new LinuxContainerRuntime(work.resolve("state"));
    }

    public String newId() {
        return "gantry-test-" + seq.incrementAndGet();
    }

    /** The platform's default app spec running {@code args}, in this fixture's cgroup subtree. */
    public RuntimeSpec spec(String... args) {
        long nofile = Math.min(1024, Syscalls.getrlimit(Syscalls.RLIMIT_NOFILE)[1]);
        RuntimeSpec s = SpecDefaults.app(List.of(args), rootfs.toString(), "gantry-test", nofile);
        return s.withLinux(s.linux().withCgroupsPath(cgroupPrefix + "/c" + seq.incrementAndGet()));
    }

    public Path bundle(RuntimeSpec spec) throws IOException {
        Path b = Files.createDirectories(work.resolve("bundles").resolve("b" + seq.incrementAndGet()));
        SpecLoader.write(spec, b.resolve("config.json"));
        return b;
    }

    /** Creates, starts and waits for a container, then deletes it. */
    public Result run(RuntimeSpec spec, Duration timeout) throws IOException {
        String id = newId();
        runtime.create(id, bundle(spec));
        try {
            runtime.start(id);
            ExitStatus exit = runtime.awaitExit(id, timeout);
            return new Result(exit, logLines(runtime.logFile(id)), streamLines(runtime.logFile(id), "stdout"));
        } finally {
            runtime.delete(id, true);
        }
    }

    public static List<String> logLines(Path log) throws IOException {
        List<String> out = new ArrayList<>();
        if (Files.exists(log)) {
            for (String line : Files.readAllLines(log)) {
                String[] f = line.split(" ", 4);
                out.add(f.length == 4 ? f[3] : "");
            }
        }
        return out;
    }

    /** Lines of one stream ("stdout" or "stderr") from a container log. */
    public static List<String> streamLines(Path log, String stream) throws IOException {
        List<String> out = new ArrayList<>();
        if (Files.exists(log)) {
            for (String line : Files.readAllLines(log)) {
                String[] f = line.split(" ", 4);
                if (f.length == 4 && f[1].equals(stream)) {
                    out.add(f[3]);
                }
            }
        }
        return out;
    }

    /** Polls until the log has a line containing {@code text}. */
    public List<String> awaitLog(String id, String text, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<String> lines = logLines(runtime.logFile(id));
            if (lines.stream().anyMatch(l -> l.contains(text)) || System.nanoTime() > deadline) {
                return lines;
            }
            sleep(10);
        }
    }

    /** {@code lines} has stdout and stderr interleaved as logged, {@code stdout} only stdout. */
    public record Result(ExitStatus exit, List<String> lines, List<String> stdout) {
        public String output() {
            return String.join("\n", lines);
        }
    }

    public static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() throws IOException {
        List<Throwable> errors = new ArrayList<>();
        for (ContainerState s : runtime.list()) {
            try {
                runtime.delete(s.id(), true);
            } catch (RuntimeException e) {
                errors.add(e);
            }
        }
        removeCgroups(cgroupPrefix);
        // anything still mounted below work (a failed delete) must go before the files do
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            String target = line.split(" ")[4];
            if (target.startsWith(work.toString())) {
                try {
                    Syscalls.umount2(target, Syscalls.MNT_DETACH);
                } catch (RuntimeException e) {
                    errors.add(e);
                }
            }
        }
        deleteTree(work);
        if (!errors.isEmpty()) {
            IllegalStateException e = new IllegalStateException("cleanup failed");
            errors.forEach(e::addSuppressed);
            throw e;
        }
    }

    /** rmdir the subtree bottom-up in every hierarchy (v1) or the unified tree (v2). */
    public static void removeCgroups(String prefix) throws IOException {
        boolean v2 = CgroupManagers.forHost().version().equals("v2");
        List<Path> roots = new ArrayList<>();
        if (v2) {
            roots.add(Path.of("/sys/fs/cgroup"));
        } else {
            try (Stream<Path> s = Files.list(Path.of("/sys/fs/cgroup"))) {
                s.filter(Files::isDirectory).forEach(roots::add);
            }
        }
        for (Path r : roots) {
            Path top = r.resolve(prefix);
            if (!Files.isDirectory(top)) {
                continue;
            }
            try (Stream<Path> s = Files.walk(top)) {
                for (Path d : s.filter(Files::isDirectory).sorted(Comparator.reverseOrder()).toList()) {
                    try {
                        Files.delete(d);
                    } catch (IOException ignored) {
                        // busy: reported by the leak test, not fatal for cleanup
                    }
                }
            }
        }
    }

    public static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path f : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        }
    }
}
