package dev.gantry.engine;

import dev.gantry.engine.spec.MemorySpec;
import dev.gantry.engine.spec.MountSpec;
import dev.gantry.engine.spec.PidsSpec;
import dev.gantry.engine.spec.ResourcesSpec;
import dev.gantry.engine.spec.RuntimeSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The same busybox bundle under Gantry and under crun: exit codes, stdout and the limits and
 * privileges visible inside must be identical.
 */
class CrunConformanceTest {

    private static final Path CRUN = Path.of("/usr/bin/crun");
    private Fixture fx;

    @BeforeEach
    void setUp() throws Exception {
        fx = new Fixture();
        assumeTrue(Files.isExecutable(CRUN), "SKIPPED: crun is not installed (apt-get install crun)");
        boolean hybridV1 = Files.isDirectory(Path.of("/sys/fs/cgroup/unified"));
        assumeTrue(!hybridV1 || Files.isDirectory(Path.of("/sys/fs/cgroup/hugetlb/")) && Files.exists(Path.of("/sys/fs/cgroup/hugetlb/cgroup.procs")),
                "SKIPPED: crun 1.8.1 refuses this hybrid cgroup layout until the v1 hugetlb hierarchy is mounted: "
                        + "mkdir -p /sys/fs/cgroup/hugetlb && mount -t cgroup -o hugetlb cgroup /sys/fs/cgroup/hugetlb");
    }

    @AfterEach
    void tearDown() throws Exception {
        if (fx != null) {
            fx.close();
        }
    }

    private static final String[] SCRIPTS = {
        "echo $$; hostname; id; ls /; ls /proc/1/ns | sort",
        "grep -E '^(Cap|NoNewPrivs|Seccomp:)' /proc/self/status; ulimit -n; ulimit -Hn",
        "cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/pids/pids.max; cat /proc/self/cgroup | grep -E ':(memory|pids):'",
        "for p in mount raw init_module kexec unshare clone_newns inet; do probe $p; done",
        "touch /tmp/x && echo tmp-writable; cat /proc/kcore 2>&1 | head -c 0; echo > /proc/sys/kernel/hostname 2>/dev/null || echo procsys-ro",
        "echo to-stderr >&2; exit 3",
    };

    @ParameterizedTest(name = "script {0}")
    @ValueSource(ints = {0, 1, 2, 3, 4, 5})
    void sameBundleSameResult(int i) throws Exception {
        RuntimeSpec spec = fx.spec("sh", "-c", SCRIPTS[i]);
        List<MountSpec> mounts = new ArrayList<>(spec.mounts());
        mounts.add(new MountSpec("/sys/fs/cgroup", "cgroup", "cgroup", List.of("nosuid", "noexec", "nodev", "relatime", "ro")));
        spec = new RuntimeSpec(spec.ociVersion(), spec.process(), spec.root(), spec.hostname(), null, mounts,
                spec.linux().withResources(new ResourcesSpec(new MemorySpec(64L << 20, null, null), null, new PidsSpec(50L), null)),
                spec.annotations());

        var gantry = fx.run(spec, Duration.ofSeconds(20));
        String gantryOut = String.join("\n", gantry.stdout());

        // crun gets its own cgroup so the two never share one
        RuntimeSpec crunSpec = spec.withLinux(spec.linux().withCgroupsPath(fx.cgroupPrefix + "/crun" + i));
        Path bundle = fx.bundle(crunSpec);
        Process p = new ProcessBuilder(CRUN.toString(), "--root", fx.work.resolve("crun").toString(), "run",
                "--bundle", bundle.toString(), "gantry-test-crun-" + i)
                .redirectInput(new File("/dev/null")).start();
        String crunOut = new String(p.getInputStream().readAllBytes()).trim();
        String crunErr = new String(p.getErrorStream().readAllBytes());
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(p.exitValue(), gantry.exit().exitCode(), "exit code; crun stderr: " + crunErr);
        assertEquals(crunOut, gantryOut.trim(), "stdout differs; crun stderr: " + crunErr);
        if (i == 5) {
            assertEquals("to-stderr", crunErr.trim());
        }
    }
}
