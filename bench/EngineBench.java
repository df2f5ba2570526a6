// Run by bench/engine.sh (single-file source launch): start-to-exit latency of /bin/true in
// one busybox bundle under Gantry (in-process API and CLI), crun and runc, alternating; then
// memory per idle container at N containers, Gantry vs crun. Not part of CI.
import dev.gantry.engine.LinuxContainerRuntime;
import dev.gantry.engine.spec.RuntimeSpec;
import dev.gantry.engine.spec.SpecDefaults;
import dev.gantry.engine.spec.SpecLoader;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

public class EngineBench {

    static Path work;
    static Path bundle;
    static String classpath;

    public static void main(String[] args) throws Exception {
        int runs = Integer.parseInt(args[0]);
        int idle = Integer.parseInt(args[1]);
        classpath = args[2];
        work = Files.createTempDirectory("gantry-bench-");
        try {
            Path rootfs = Files.createDirectories(work.resolve("bundle/rootfs"));
            makeRootfs(rootfs);
            bundle = work.resolve("bundle");
            writeSpec(List.of("/bin/true"), "gantry-bench/c");
            if (runs > 0) {
                latency(runs);
            }
            if (idle > 0) {
                memory(idle);
            }
        } finally {
            new ProcessBuilder("rm", "-rf", work.toString()).inheritIO().start().waitFor();
            new ProcessBuilder("sh", "-c", "find /sys/fs/cgroup/*/gantry-bench* -depth -type d -exec rmdir {} + 2>/dev/null; true")
                    .inheritIO().start().waitFor();
        }
    }

    static void writeSpec(List<String> argv, String cgroup) throws Exception {
        RuntimeSpec s = SpecDefaults.app(argv, "rootfs", "bench", 1024);
        s = s.withLinux(s.linux().withCgroupsPath(cgroup));
        SpecLoader.write(s, bundle.resolve("config.json"));
    }

    static void makeRootfs(Path dir) throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Files.copy(Path.of("/bin/busybox"), bin.resolve("busybox"));
        for (String a : List.of("sh", "true", "sleep")) {
            Files.createSymbolicLink(bin.resolve(a), Path.of("busybox"));
        }
        for (String d : List.of("proc", "dev", "sys", "tmp")) {
            Files.createDirectories(dir.resolve(d));
        }
    }

    /** Containers run through the in-process API before the timed rounds. */
    static final int JIT_WARM_UP = 200;

    static void latency(int runs) throws Exception {
        LinuxContainerRuntime rt = new LinuxContainerRuntime(work.resolve("state"));
        Map<String, List<Double>> ms = new LinkedHashMap<>();
        boolean haveCrun = new File("/usr/bin/crun").canExecute();
        boolean haveRunc = new File("/usr/sbin/runc").canExecute() || new File("/usr/bin/runc").canExecute();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // The in-process path is the platform's: a long-lived JVM whose engine code the JIT compiled after its
        // first containers. Warm it up like that (not timed) before the rounds; the CLI path stays a cold JVM.
        for (int i = 0; i < JIT_WARM_UP; i++) {
            String id = "jit-" + i;
            rt.create(id, bundle);
            rt.start(id);
            rt.awaitExit(id, Duration.ofSeconds(10));
            rt.delete(id, false);
        }
        for (int i = -3; i < runs; i++) { // 3 warm-up rounds, not counted
            String id = "bench-" + (i + 3);
            time(ms, "gantry-api", i, () -> {
                rt.create(id, bundle);
                rt.start(id);
                rt.awaitExit(id, Duration.ofSeconds(10));
                rt.delete(id, false);
            });
            time(ms, "gantry-cli", i, () -> exec(java, "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-cp", classpath,
                    "dev.gantry.engine.cli.EngineCli", "--root", work.resolve("state").toString(), "run",
                    "--bundle", bundle.toString(), id + "-cli"));
            if (haveCrun) {
                time(ms, "crun", i, () -> exec("crun", "--root", work.resolve("crun").toString(), "run", "--bundle",
                        bundle.toString(), id + "-crun"));
            }
            if (haveRunc) {
                time(ms, "runc", i, () -> exec("runc", "--root", work.resolve("runc").toString(), "run", "--bundle",
                        bundle.toString(), id + "-runc"));
            }
        }
        System.out.printf("%nstart-to-exit of /bin/true, %d runs each, alternating (ms)%n", runs);
        System.out.printf("%-12s %8s %8s %8s%n", "runtime", "median", "min", "max");
        for (var e : ms.entrySet()) {
            List<Double> l = e.getValue();
            Collections.sort(l);
            System.out.printf("%-12s %8.2f %8.2f %8.2f%n", e.getKey(), median(l), l.get(0), l.get(l.size() - 1));
        }
        if (ms.containsKey("crun")) {
            System.out.printf("ratio gantry-api / crun = %.2f%n", median(ms.get("gantry-api")) / median(ms.get("crun")));
        }
    }

    /**
     * Memory of N idle containers: each container's cgroup memory (user + kernel memory the
     * kernel charges to it) plus, for Gantry, the PSS of its shim (crun leaves no monitor
     * process behind). MemAvailable deltas are useless on a machine where others build.
     */
    static void memory(int n) throws Exception {
        System.out.printf("%nmemory per idle container (sleep 3600), %d containers%n", n);
        LinuxContainerRuntime rt = new LinuxContainerRuntime(work.resolve("state-idle"));
        for (int i = 0; i < n; i++) {
            writeSpec(List.of("sleep", "3600"), "gantry-bench-idle/g" + i);
            rt.create("idle-" + i, bundle);
            rt.start("idle-" + i);
        }
        Thread.sleep(1000);
        long cg = 0;
        long shimPss = 0;
        long shimRss = 0;
        for (int i = 0; i < n; i++) {
            cg += cgroupMemory("gantry-bench-idle/g" + i);
            int shim = parentOf(rt.state("idle-" + i).pid());
            shimPss += statusKb(shim, "/smaps_rollup", "Pss:");
            shimRss += statusKb(shim, "/status", "VmRSS:");
        }
        for (int i = 0; i < n; i++) {
            rt.delete("idle-" + i, true);
        }
        System.out.printf("gantry: cgroup %d kB + shim PSS %d kB (shim RSS %d kB) = %d kB per container%n",
                cg / n / 1024, shimPss / n, shimRss / n, cg / n / 1024 + shimPss / n);
        if (new File("/usr/bin/crun").canExecute()) {
            for (int i = 0; i < n; i++) {
                writeSpec(List.of("sleep", "3600"), "gantry-bench-idle/c" + i);
                exec("crun", "--root", work.resolve("crun-idle").toString(), "run", "--detach", "--bundle",
                        bundle.toString(), "idle-" + i);
            }
            Thread.sleep(1000);
            long crunCg = 0;
            for (int i = 0; i < n; i++) {
                crunCg += cgroupMemory("gantry-bench-idle/c" + i);
            }
            for (int i = 0; i < n; i++) {
                exec("crun", "--root", work.resolve("crun-idle").toString(), "delete", "--force", "idle-" + i);
            }
            System.out.printf("crun:   cgroup %d kB, no monitor process = %d kB per container%n",
                    crunCg / n / 1024, crunCg / n / 1024);
        }
    }

    static long cgroupMemory(String path) throws Exception {
        Path v1 = Path.of("/sys/fs/cgroup/memory", path, "memory.usage_in_bytes");
        Path v2 = Path.of("/sys/fs/cgroup", path, "memory.current");
        return Long.parseLong(Files.readString(Files.exists(v1) ? v1 : v2).trim());
    }

    interface Body {
        void run() throws Exception;
    }

    static void time(Map<String, List<Double>> ms, String name, int round, Body b) throws Exception {
        long t0 = System.nanoTime();
        b.run();
        double d = (System.nanoTime() - t0) / 1e6;
        if (round >= 0) {
            ms.computeIfAbsent(name, k -> new ArrayList<>()).add(d);
        }
    }

    /** Output goes to a file: a detached container inherits it and would keep a pipe open forever. */
    static void exec(String... cmd) throws Exception {
        File out = work.resolve("exec.out").toFile();
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out)
                .redirectInput(new File("/dev/null")).start();
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed: " + Files.readString(out.toPath()));
        }
    }

    static double median(List<Double> l) {
        List<Double> s = new ArrayList<>(l);
        Collections.sort(s);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    static int parentOf(int pid) throws Exception {
        for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (l.startsWith("PPid:")) {
                return Integer.parseInt(l.substring(5).trim());
            }
        }
        return -1;
    }

    static long statusKb(int pid, String file, String key) throws Exception {
        for (String l : Files.readAllLines(Path.of("/proc/" + pid + file))) {
            if (l.startsWith(key)) {
                return Long.parseLong(l.replaceAll("\\D", ""));
            }
        }
        return 0;
    }
}
