import dev.gantry.build.BuildLimits;
import dev.gantry.build.BuildRequest;
import dev.gantry.build.Builder;
import dev.gantry.build.image.ImageStore;
import dev.gantry.build.stack.HostStack;
import dev.gantry.engine.LinuxContainerRuntime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * bench/build.sh: for each sample app, the median wall time of a cold and a warm build through Gantry's
 * Builder vs the same toolchain commands on the host, with the same cache placement (a per-app cache dir).
 */
public class BuildBench {

    static final Path SAMPLES = Path.of("docs/examples/apps").toAbsolutePath();

    /** What the buildpack runs, run directly on the host in a copy of the app (cache dir = $1). */
    static final Map<String, String> DIRECT = Map.of(
            "node", "npm_config_cache=$1/npm npm ci --include=dev --prefer-offline --no-audit --no-fund --no-progress"
                    + " --loglevel=error && npm run build >/dev/null",
            "maven", "mvn -B -q -Dstyle.color=never -DskipTests -Dmaven.repo.local=$1/m2/repository package"
                    + " && cp target/*.jar /dev/null",
            "python", "/usr/bin/python3 -m venv --without-pip .venv",
            "static", "mkdir -p .gantry && cp /dev/null .gantry/static-server.js");

    public static void main(String[] args) throws Exception {
        int runs = Integer.parseInt(args[0]);
        List<String> apps = Arrays.asList(args[1].trim().split("\\s+"));
        Path work = Files.createTempDirectory("gantry-bench-build-");
        LinuxContainerRuntime runtime = new LinuxContainerRuntime(work.resolve("state"));
        Builder builder = new Builder(work.resolve("data"), runtime, new HostStack(work.resolve("data/stacks")));
        String cgroup = "gantry-bench-build-" + ProcessHandle.current().pid();
        System.out.printf("%-8s %-5s %12s %12s %8s%n", "app", "cache", "host (ms)", "gantry (ms)", "ratio");
        // Ctrl-C: remove the build containers, the cgroup and the temp dir anyway.
        Thread cleanup = new Thread(() -> {
            for (var st : runtime.list()) {
                try {
                    runtime.delete(st.id(), true);
                } catch (RuntimeException ignored) {
                    // gone
                }
            }
            try {
                runtime.cgroups().destroy(cgroup);
            } catch (RuntimeException ignored) {
                // not created
            }
            ImageStore.deleteTree(work);
        });
        Runtime.getRuntime().addShutdownHook(cleanup);
        try {
            for (String app : apps) {
                // cold: one run each (it downloads); warm: median of `runs`, caches from the cold run
                Path hostCache = Files.createDirectories(work.resolve("hostcache-" + app));
                long hostCold = direct(app, hostCache, work);
                String appId = "bench-" + app;
                long gCold = gantry(builder, appId, app, work, cgroup);
                List<Long> hw = new ArrayList<>();
                List<Long> gw = new ArrayList<>();
                for (int i = 0; i < runs; i++) { // alternate, so drift hits both
                    hw.add(direct(app, hostCache, work));
                    gw.add(gantry(builder, appId, app, work, cgroup));
                }
                print(app, "cold", hostCold, gCold);
                print(app, "warm", median(hw), median(gw));
            }
        } finally {
            Runtime.getRuntime().removeShutdownHook(cleanup);
            cleanup.run();
        }
    }

    static void print(String app, String cache, long host, long gantry) {
        System.out.printf("%-8s %-5s %12d %12d %7.2fx%n", app, cache, host, gantry, (double) gantry / host);
    }

    static long median(List<Long> xs) {
        List<Long> s = new ArrayList<>(xs);
        s.sort(null);
        return s.get(s.size() / 2);
    }

    static long direct(String app, Path cache, Path work) throws Exception {
        Path dir = work.resolve("direct-" + app + "-" + System.nanoTime());
        copy(SAMPLES.resolve(app), dir);
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder("bash", "-c", DIRECT.get(app), "bench", cache.toString())
                .directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IllegalStateException(app + " direct build failed:\n" + out);
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        ImageStore.deleteTree(dir);
        return ms;
    }

    static long gantry(Builder b, String appId, String app, Path work, String cgroup) throws Exception {
        Path src = work.resolve("src-" + app + "-" + System.nanoTime());
        copy(SAMPLES.resolve(app), src);
        long t0 = System.nanoTime();
        // The same CPUs as the direct run (all of the machine's), the default memory and pids limits.
        BuildLimits limits = new BuildLimits(BuildLimits.DEFAULT.memoryBytes(), Runtime.getRuntime().availableProcessors(),
                BuildLimits.DEFAULT.pids(), BuildLimits.DEFAULT.timeout());
        b.build(BuildRequest.of(appId, src).withCgroupParent(cgroup).withHostNetwork(true).withLimits(limits), line -> { });
        long ms = (System.nanoTime() - t0) / 1_000_000;
        ImageStore.deleteTree(src);
        return ms;
    }

    static void copy(Path src, Path dst) throws IOException {
        try (var s = Files.walk(src)) {
            for (Path p : s.toList()) {
                Path d = dst.resolve(src.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(d);
                } else {
                    Files.copy(p, d);
                }
            }
        }
    }
}
