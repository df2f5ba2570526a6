package dev.gantry.engine;

import dev.gantry.engine.spec.CapabilitiesSpec;
import dev.gantry.engine.spec.RuntimeSpec;
import dev.gantry.engine.spec.SeccompSpec;
import dev.gantry.engine.spec.SyscallArgSpec;
import dev.gantry.engine.spec.SyscallRuleSpec;
import dev.gantry.engine.spec.UserSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The platform's default spec, tried from inside real containers with the probe: each
 * dangerous operation must fail, for the app user and for root inside the container.
 */
class SecurityDefaultsTest {

    private static final Duration T = Duration.ofSeconds(20);
    private Fixture fx;

    @BeforeEach
    void setUp() throws Exception {
        fx = new Fixture();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (fx != null) {
            fx.close();
        }
    }

    private List<String> probeAll(long uid) throws Exception {
        RuntimeSpec spec = fx.spec("sh", "-c",
                "for p in mount raw sysrq procsys init_module finit_module kexec reboot unshare clone_newns; do probe $p; done");
        spec = spec.withProcess(spec.process().withUser(new UserSpec(uid, uid, null, null)));
        var r = fx.run(spec, T);
        assertEquals(0, r.exit().exitCode(), r.output());
        return r.lines();
    }

    @ParameterizedTest(name = "uid {0}")
    @ValueSource(longs = {1000, 0})
    void dangerousOperationsFailInside(long uid) throws Exception {
        List<String> lines = probeAll(uid);
        // kernels built without magic SysRq have no /proc/sysrq-trigger at all
        String sysrq = !java.nio.file.Files.exists(java.nio.file.Path.of("/proc/sysrq-trigger")) ? "sysrq ENOENT"
                : uid == 0 ? "sysrq EROFS" : "sysrq EACCES";
        assertEquals(List.of("mount EPERM", "raw EPERM", sysrq, uid == 0 ? "procsys EROFS" : "procsys EACCES",
                "init_module EPERM", "finit_module EPERM", "kexec EPERM", "reboot EPERM", "unshare EPERM",
                "clone_newns EPERM"), lines);
    }

    @Test
    void theSameOperationsWorkOnTheHostSoTheTestMeansSomething() throws Exception {
        Process p = new ProcessBuilder(TestEnv.probe().toString(), "raw").start();
        assertEquals("raw ok", new String(p.getInputStream().readAllBytes()).trim());
    }

    @Test
    void seccompFromTheSpecWithArgumentConditions() throws Exception {
        // deny mkdir always and socket only for AF_INET6 (10): AF_INET (2) stays allowed
        SeccompSpec seccomp = new SeccompSpec("SCMP_ACT_ALLOW", null, List.of(), List.of(
                new SyscallRuleSpec(List.of("mkdir", "mkdirat"), "SCMP_ACT_ERRNO", 13, List.of()),
                new SyscallRuleSpec(List.of("socket"), "SCMP_ACT_ERRNO", 97,
                        List.of(new SyscallArgSpec(0, 10L, null, "SCMP_CMP_EQ")))));
        RuntimeSpec spec = fx.spec("sh", "-c", "mkdir /tmp/x 2>&1; probe inet6; probe inet");
        spec = spec.withLinux(spec.linux().withSeccomp(seccomp));
        var r = fx.run(spec, T);
        assertEquals(List.of("mkdir: can't create directory '/tmp/x': Permission denied", "inet6 EAFNOSUPPORT", "inet ok"),
                r.lines());
    }

    @Test
    void rootWithMoreCapabilitiesStillCannotMountBecauseOfSeccomp() throws Exception {
        RuntimeSpec spec = fx.spec("probe", "mount");
        spec = spec.withProcess(spec.process().withUser(new UserSpec(0L, 0L, null, null))
                .withCapabilities(CapabilitiesSpec.of(List.of("CAP_SYS_ADMIN", "CAP_KILL"))));
        assertEquals(List.of("mount EPERM"), fx.run(spec, T).lines());
        // ...and without the seccomp profile the capability really works (mount ns is private)
        RuntimeSpec open = spec.withLinux(spec.linux().withSeccomp(null));
        assertEquals(List.of("mount ok"), fx.run(open, T).lines());
    }

    @Test
    void hostBlockDevicesAreUnreadableEvenWithMknod() throws Exception {
        // a real block device of this host, e.g. 254:0 for /dev/vda
        String dev;
        try (var s = java.nio.file.Files.list(java.nio.file.Path.of("/sys/class/block"))) {
            dev = s.map(p -> p.resolve("dev")).filter(java.nio.file.Files::exists).findFirst()
                    .map(p -> { try { return java.nio.file.Files.readString(p).trim(); } catch (java.io.IOException e) { return null; } })
                    .orElse(null);
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(dev != null, "SKIPPED: no block device on this host");
        String[] mm = dev.split(":");
        RuntimeSpec spec = fx.spec("sh", "-c", "mknod /tmp/disk b " + mm[0] + " " + mm[1] + " && echo made; head -c 1 /tmp/disk >/dev/null && echo READ");
        spec = spec.withProcess(spec.process().withUser(new UserSpec(0L, 0L, null, null))
                .withCapabilities(CapabilitiesSpec.of(List.of("CAP_MKNOD", "CAP_DAC_OVERRIDE"))));
        var r = fx.run(spec, T);
        org.junit.jupiter.api.Assumptions.assumeTrue(fx.runtime.cgroups().version().equals("v1"),
                "SKIPPED: device rules need cgroup v1 (v2 eBPF device programs are not implemented)");
        assertTrue(r.lines().contains("made"), r.output());
        assertTrue(r.output().contains("Operation not permitted"), r.output());
        assertTrue(!r.lines().contains("READ"), r.output());
    }

    @Test
    void capabilitiesAreDroppedToTheSpecsSet() throws Exception {
        RuntimeSpec spec = fx.spec("sh", "-c", "grep Cap /proc/self/status");
        spec = spec.withProcess(spec.process().withUser(new UserSpec(0L, 0L, null, null)));
        var r = fx.run(spec, T);
        // CAP_KILL (5) and CAP_NET_BIND_SERVICE (10): 0x420
        assertTrue(r.lines().contains("CapBnd:\t0000000000000420"), r.output());
        assertTrue(r.lines().contains("CapEff:\t0000000000000420"), r.output());
        var nnp = fx.run(fx.spec("grep", "NoNewPrivs", "/proc/self/status"), T);
        assertEquals(List.of("NoNewPrivs:\t1"), nnp.lines());
    }
}
