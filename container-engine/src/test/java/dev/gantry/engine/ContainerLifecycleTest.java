package dev.gantry.engine;

import dev.gantry.engine.spec.ProcessSpec;
import dev.gantry.engine.spec.RuntimeSpec;
import dev.gantry.engine.spec.SeccompSpec;
import dev.gantry.engine.spec.UserSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Real containers: lifecycle, isolation and the writable layer. */
class ContainerLifecycleTest {

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

    @Test
    void initIsPid1AndSeesOnlyItsOwnProcesses() throws Exception {
        var r = fx.run(fx.spec("sh", "-c", "echo pid=$$; ps -o pid,comm | tail -n +2 | wc -l; ls /proc | grep -c '^[0-9]'"), T);
        assertEquals(0, r.exit().exitCode(), r.output());
        assertEquals("pid=1", r.lines().get(0));
        // ps sees sh, ps, tail, wc at most: nothing from the host
        int psLines = Integer.parseInt(r.lines().get(1).trim());
        assertTrue(psLines <= 5, "processes visible: " + psLines);
        int procDirs = Integer.parseInt(r.lines().get(2).trim());
        assertTrue(procDirs <= 5, "pids in /proc: " + procDirs);
    }

    @Test
    void hasItsOwnHostname() throws Exception {
        RuntimeSpec spec = fx.spec("hostname");
        var r = fx.run(new RuntimeSpec(spec.ociVersion(), spec.process(), spec.root(), "web-1", null, spec.mounts(),
                spec.linux(), spec.annotations()), T);
        assertEquals(List.of("web-1"), r.lines());
    }

    @Test
    void hostMountsAreInvisibleAndRootIsPivoted() throws Exception {
        // a mount made on the host just before the container starts must not show up inside
        Path marker = Files.createDirectories(fx.work.resolve("host-marker"));
        dev.gantry.engine.sys.Syscalls.mount("tmpfs", marker.toString(), "tmpfs", 0, "size=1k");
        try {
            var r = fx.run(fx.spec("sh", "-c", "cut -d' ' -f5 /proc/self/mountinfo; echo ---; ls /"), T);
            assertEquals(0, r.exit().exitCode(), r.output());
            int sep = r.lines().indexOf("---");
            List<String> mountPoints = r.lines().subList(0, sep);
            for (String mp : mountPoints) {
                assertTrue(mp.equals("/") || mp.startsWith("/proc") || mp.startsWith("/dev") || mp.startsWith("/sys"),
                        "unexpected mount point " + mp + " in " + mountPoints);
            }
            assertTrue(mountPoints.size() < 40, mountPoints.toString());
            List<String> ls = r.lines().subList(sep + 1, r.lines().size());
            assertEquals(List.of("bin", "data", "dev", "etc", "mnt", "proc", "sys", "tmp"), ls);
        } finally {
            dev.gantry.engine.sys.Syscalls.umount2(marker.toString(), 0);
        }
    }

    @Test
    void waitsForStartThenRunsAndRecordsTheExitCode() throws Exception {
        String id = fx.newId();
        Path bundle = fx.bundle(fx.spec("sh", "-c", "echo started; exit 7"));
        ContainerState created = fx.runtime.create(id, bundle);
        assertEquals(ContainerStatus.CREATED, created.status());
        assertTrue(created.pid() > 0);
        Thread.sleep(200);
        assertEquals(ContainerStatus.CREATED, fx.runtime.state(id).status());
        assertTrue(Fixture.logLines(fx.runtime.logFile(id)).isEmpty(), "ran before start");

        fx.runtime.start(id);
        ExitStatus exit = fx.runtime.awaitExit(id, T);
        assertEquals(7, exit.exitCode());
        assertFalse(exit.oomKilled());
        ContainerState stopped = fx.runtime.state(id);
        assertEquals(ContainerStatus.STOPPED, stopped.status());
        assertNull(stopped.pid());
        assertEquals(7, stopped.exit().exitCode());
        assertEquals(List.of("started"), Fixture.logLines(fx.runtime.logFile(id)));
        EngineException again = assertThrows(EngineException.class, () -> fx.runtime.start(id));
        assertEquals(ErrorCode.INVALID_STATE, again.code());
        fx.runtime.delete(id, false);
        assertEquals(ErrorCode.NOT_FOUND, assertThrows(EngineException.class, () -> fx.runtime.state(id)).code());
    }

    @Test
    void writableLayerIsDiscardedOnDelete() throws Exception {
        RuntimeSpec spec = fx.spec("sh", "-c", "echo secret > /data/file; echo changed > /etc/marker; cat /etc/marker");
        spec = spec.withProcess(spec.process().withUser(new UserSpec(0L, 0L, null, null)));
        String id = fx.newId();
        fx.runtime.create(id, fx.bundle(spec));
        fx.runtime.start(id);
        assertEquals(0, fx.runtime.awaitExit(id, T).exitCode());
        Path upper = fx.runtime.stateRoot().resolve(id).resolve("upper");
        assertTrue(Files.exists(upper.resolve("data/file")), "write went to the upper layer");
        assertEquals("from-the-image\n", Files.readString(fx.rootfs.resolve("etc/marker")), "lower layer untouched");
        fx.runtime.delete(id, false);
        assertFalse(Files.exists(upper));
        assertFalse(Files.exists(fx.rootfs.resolve("data/file")));
        var again = fx.run(fx.spec("sh", "-c", "cat /data/file 2>&1; cat /etc/marker"), T);
        assertTrue(again.output().contains("No such file"), again.output());
        assertTrue(again.output().contains("from-the-image"), again.output());
    }

    @Test
    void appUserIsNotRootUnlessTheSpecSaysSo() throws Exception {
        var app = fx.run(fx.spec("id"), T);
        assertEquals(List.of("uid=1000(app) gid=1000(app)"), app.lines());
        RuntimeSpec spec = fx.spec("id", "-u");
        ProcessSpec asRoot = spec.process().withUser(new UserSpec(0L, 0L, null, null));
        var root = fx.run(spec.withProcess(asRoot), T);
        assertEquals(List.of("0"), root.lines());
    }

    @Test
    void execStateKillAndStopOnARunningContainer() throws Exception {
        String id = fx.newId();
        fx.runtime.create(id, fx.bundle(fx.spec("sh", "-c", "echo up; while true; do sleep 1; done")));
        fx.runtime.start(id);
        fx.awaitLog(id, "up", T);
        ContainerState s = fx.runtime.state(id);
        assertEquals(ContainerStatus.RUNNING, s.status());

        Process p = fx.runtime.exec(id, List.of("sh", "-c",
                "hostname; echo $$; id -u; cat /etc/marker; grep -E ':(memory|pids):' /proc/self/cgroup"));
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), out + new String(p.getErrorStream().readAllBytes()));
        List<String> lines = out.lines().toList();
        assertEquals("gantry-test", lines.get(0));
        assertTrue(Integer.parseInt(lines.get(1)) < 100, "exec'd process is in the container's pid namespace");
        assertEquals("1000", lines.get(2));
        assertEquals("from-the-image", lines.get(3));
        // it joined the container's cgroups (the root of its cgroup namespace), not only its namespaces
        assertEquals(2, lines.size() - 4, out);
        for (String cg : lines.subList(4, lines.size())) {
            assertTrue(cg.endsWith(":/"), "exec'd process outside the container's cgroup: " + cg);
        }

        Process fail = fx.runtime.exec(id, List.of("sh", "-c", "exit 3"));
        assertEquals(3, fail.waitFor());

        assertTrue(fx.runtime.ps(id).contains(s.pid()));
        assertTrue(fx.runtime.stats(id).pids() >= 1);
        EngineException running = assertThrows(EngineException.class, () -> fx.runtime.delete(id, false));
        assertEquals(ErrorCode.INVALID_STATE, running.code());

        // sh as PID 1 ignores SIGTERM (no handler), so stop has to escalate to SIGKILL
        long t0 = System.nanoTime();
        ExitStatus exit = fx.runtime.stop(id, Duration.ofMillis(300));
        assertEquals(9, exit.signal());
        assertEquals(137, exit.exitCode());
        assertTrue(System.nanoTime() - t0 < 5_000_000_000L);
        fx.runtime.delete(id, false);
    }

    @Test
    void readonlyRootMaskedPathsAndRlimitsApply() throws Exception {
        RuntimeSpec spec = fx.spec("sh", "-c",
                "touch /x 2>&1; touch /tmp/y 2>&1; wc -c < /proc/timer_list; ls /sys/firmware | wc -l; ulimit -n");
        spec = spec.withRoot(new dev.gantry.engine.spec.RootSpec(spec.root().path(), true))
                .withProcess(spec.process().withRlimits(List.of(new dev.gantry.engine.spec.RlimitSpec("RLIMIT_NOFILE", 64L, 128L))));
        var r = fx.run(spec, T);
        assertEquals(List.of("touch: /x: Read-only file system", "touch: /tmp/y: Read-only file system", "0", "0", "64"),
                r.lines(), r.output());
    }

    @Test
    void anRlimitAboveTheEnginesHardLimitFailsClearly() throws Exception {
        long hard = dev.gantry.engine.sys.Syscalls.getrlimit(dev.gantry.engine.sys.Syscalls.RLIMIT_NOFILE)[1];
        org.junit.jupiter.api.Assumptions.assumeTrue(hard < (1L << 30), "SKIPPED: unlimited hard nofile limit here");
        RuntimeSpec spec = fx.spec("true");
        spec = spec.withProcess(spec.process().withRlimits(
                List.of(new dev.gantry.engine.spec.RlimitSpec("RLIMIT_NOFILE", hard * 2, hard * 2))));
        RuntimeSpec s = spec;
        EngineException e = assertThrows(EngineException.class, () -> fx.runtime.create(fx.newId(), fx.bundle(s)));
        assertTrue(e.getMessage().contains("CAP_SYS_RESOURCE") && e.getMessage().contains("current hard " + hard),
                e.getMessage());
    }

    @Test
    void errorsNameTheProblem() throws Exception {
        Path bundle = fx.bundle(fx.spec("true"));
        String id = fx.newId();
        fx.runtime.create(id, bundle);
        EngineException dup = assertThrows(EngineException.class, () -> fx.runtime.create(id, bundle));
        assertEquals(ErrorCode.ALREADY_EXISTS, dup.code());
        assertTrue(dup.getMessage().contains(id + " is already in use"), dup.getMessage());
        fx.runtime.delete(id, true);

        RuntimeSpec missingRoot = fx.spec("true").withRoot(new dev.gantry.engine.spec.RootSpec("/nonexistent-gantry-test", false));
        EngineException noRoot = assertThrows(EngineException.class, () -> fx.runtime.create(fx.newId(), fx.bundle(missingRoot)));
        assertEquals(ErrorCode.INVALID_SPEC, noRoot.code());
        assertTrue(noRoot.getMessage().contains("root.path"), noRoot.getMessage());

        // a failure inside the shim reports the step and leaves nothing behind
        RuntimeSpec badCwd = fx.spec("true");
        badCwd = badCwd.withProcess(new ProcessSpec(false, badCwd.process().user(), badCwd.process().args(),
                badCwd.process().env(), "/does/not/exist", badCwd.process().capabilities(), badCwd.process().rlimits(),
                true, null));
        String badId = fx.newId();
        Path badBundle = fx.bundle(badCwd);
        EngineException shim = assertThrows(EngineException.class, () -> fx.runtime.create(badId, badBundle));
        assertEquals(ErrorCode.SHIM, shim.code());
        assertTrue(shim.getMessage().contains("chdir /does/not/exist"), shim.getMessage());
        assertFalse(Files.exists(fx.runtime.stateRoot().resolve(badId)));
    }

    @Test
    void aSpecRejectedWhileTheShimIsStartingLeavesNothingBehind() throws Exception {
        // The seccomp profile is compiled while the shim already clones the init (see docs/engine.md): the shim
        // must be told to give up, kill its init and go, and create must report the spec's error.
        RuntimeSpec spec = fx.spec("true");
        spec = spec.withLinux(spec.linux().withSeccomp(new SeccompSpec("SCMP_ACT_NOPE", null, null, null)));
        String id = fx.newId();
        Path bundle = fx.bundle(spec);
        EngineException e = assertThrows(EngineException.class, () -> fx.runtime.create(id, bundle));
        assertEquals(ErrorCode.INVALID_SPEC, e.code());
        assertTrue(e.getMessage().contains("unsupported seccomp action SCMP_ACT_NOPE"), e.getMessage());
        assertFalse(Files.exists(fx.runtime.stateRoot().resolve(id)), "state dir left behind");
        assertFalse(Files.readString(Path.of("/proc/self/mountinfo")).contains(fx.runtime.stateRoot().resolve(id).toString()),
                "rootfs still mounted");
        assertFalse(fx.runtime.cgroups().exists(spec.linux().cgroupsPath()), "cgroup left behind");
        String dir = fx.runtime.stateRoot().resolve(id).toString();
        // the shim and the init it cloned (which had not exec'd yet) both run "gantry-shim create <dir>"
        List<Long> left = ProcessHandle.allProcesses()
                .filter(ph -> ph.info().arguments().map(a -> List.of(a).contains(dir)).orElse(false))
                .map(ProcessHandle::pid).toList();
        assertEquals(List.of(), left, "the shim or its init is still running");
    }
}
