package dev.gantry.engine;

import dev.gantry.engine.cgroup.CgroupStats;
import dev.gantry.engine.spec.CpuSpec;
import dev.gantry.engine.spec.MemorySpec;
import dev.gantry.engine.spec.PidsSpec;
import dev.gantry.engine.spec.ResourcesSpec;
import dev.gantry.engine.spec.RuntimeSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** cgroup limits enforced by the real kernel on real containers. */
class ResourceLimitsTest {

    private static final Duration T = Duration.ofSeconds(30);
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

    private RuntimeSpec limited(ResourcesSpec r, String... args) {
        RuntimeSpec s = fx.spec(args);
        return s.withLinux(s.linux().withResources(r));
    }

    @Test
    void memoryHogIsOomKilledAndReportedAsOom() throws Exception {
        RuntimeSpec spec = limited(new ResourcesSpec(new MemorySpec(32L << 20, null, null), null, null, null),
                "probe", "hog", "200");
        var r = fx.run(spec, T);
        assertTrue(r.exit().oomKilled(), "exit " + r.exit() + " log " + r.output());
        assertEquals(9, r.exit().signal());
        assertEquals(137, r.exit().exitCode());
        assertFalse(r.output().contains("hog done"), r.output());
    }

    @Test
    void eventsReportStatsThenOomThenExit() throws Exception {
        RuntimeSpec spec = limited(new ResourcesSpec(new MemorySpec(32L << 20, null, null), null, null, null),
                "sh", "-c", "sleep 1; probe hog 200; sleep 0.5");
        String id = fx.newId();
        fx.runtime.create(id, fx.bundle(spec));
        fx.runtime.start(id);
        List<ContainerEvent> events = new java.util.ArrayList<>();
        fx.runtime.events(id, Duration.ofMillis(200), events::add);
        List<String> types = events.stream().map(ContainerEvent::type).toList();
        assertEquals(ContainerEvent.STATS, types.get(0), types.toString());
        assertTrue(types.contains(ContainerEvent.OOM), types.toString());
        assertEquals(ContainerEvent.EXIT, types.get(types.size() - 1), types.toString());
        assertTrue(types.indexOf(ContainerEvent.OOM) < types.size() - 1);
        // the hog died, not the shell: the container exits normally after it
        ContainerEvent exit = events.get(events.size() - 1);
        assertEquals(0, exit.exit().exitCode());
        assertFalse(exit.exit().oomKilled(), "the init itself was not OOM-killed");
        assertEquals(1, exit.stats().oomKills());
        fx.runtime.delete(id, false);
    }

    @Test
    void withinTheLimitNothingIsOomKilled() throws Exception {
        RuntimeSpec spec = limited(new ResourcesSpec(new MemorySpec(64L << 20, null, null), null, null, null),
                "probe", "hog", "16");
        var r = fx.run(spec, T);
        assertEquals(0, r.exit().exitCode(), r.output());
        assertFalse(r.exit().oomKilled());
    }

    @Test
    void forkBombStopsAtThePidsLimitAndTheHostIsUnaffected() throws Exception {
        RuntimeSpec spec = limited(new ResourcesSpec(null, null, new PidsSpec(32L), null),
                "sh", "-c", "probe forkbomb 10000; echo after");
        String id = fx.newId();
        fx.runtime.create(id, fx.bundle(spec));
        fx.runtime.start(id);
        List<String> lines = fx.awaitLog(id, "after", T);
        String forked = lines.stream().filter(l -> l.startsWith("forked")).findFirst().orElseThrow(() -> new AssertionError(lines.toString()));
        String[] f = forked.split(" ");
        assertEquals("EAGAIN", f[2], forked);
        int n = Integer.parseInt(f[1]);
        assertTrue(n < 32 && n > 20, forked);
        CgroupStats stats = fx.runtime.stats(id);
        assertTrue(stats.pids() <= 32, "pids " + stats.pids());
        // the host can still fork
        Process p = new ProcessBuilder("true").start();
        assertEquals(0, p.waitFor());
        fx.runtime.delete(id, true); // kills the ~30 children through the cgroup
    }

    @Test
    void aTenantLimitCapsEveryContainerBelowIt() throws Exception {
        // gantry/<tenant>/<app>/<instance>: the tenant level holds the quota
        String tenant = fx.cgroupPrefix + "/acme";
        fx.runtime.cgroups().create(tenant, new dev.gantry.engine.cgroup.CgroupResources(48L << 20, null, null, null, 12L, null));
        RuntimeSpec hog = limited(new ResourcesSpec(new MemorySpec(256L << 20, null, null), null, new PidsSpec(1000L), null),
                "probe", "hog", "200");
        hog = hog.withLinux(hog.linux().withCgroupsPath(tenant + "/web/web.1"));
        var r = fx.run(hog, T);
        assertTrue(r.exit().oomKilled(), "the tenant's 48 MiB stop a container allowed 256 MiB: " + r.exit());

        RuntimeSpec bomb = limited(new ResourcesSpec(null, null, new PidsSpec(1000L), null), "probe", "forkbomb", "1000");
        bomb = bomb.withLinux(bomb.linux().withCgroupsPath(tenant + "/worker/worker.1"));
        var b = fx.run(bomb, T);
        String forked = b.lines().stream().filter(l -> l.startsWith("forked")).findFirst().orElseThrow();
        assertTrue(Integer.parseInt(forked.split(" ")[1]) < 12, forked);
    }

    @Test
    void cpuQuotaHoldsWithin20Percent() throws Exception {
        // 20 ms per 100 ms = 0.2 CPU for a process that would use a whole one
        // Maximum weight for the test subtree and the container: on a busy 2-core machine the
        // container must get its full quota, so what we measure is the cap, not contention.
        fx.runtime.cgroups().create(fx.cgroupPrefix, new dev.gantry.engine.cgroup.CgroupResources(null, 262144L, null, null, null, null));
        RuntimeSpec spec = limited(new ResourcesSpec(null, new CpuSpec(262144L, 20_000L, 100_000L), null, null),
                "probe", "spin");
        String id = fx.newId();
        fx.runtime.create(id, fx.bundle(spec));
        fx.runtime.start(id);
        Thread.sleep(300); // let it reach steady state
        long cpu0 = fx.runtime.stats(id).cpuUsageNanos();
        long t0 = System.nanoTime();
        Thread.sleep(2000);
        long cpu1 = fx.runtime.stats(id).cpuUsageNanos();
        long t1 = System.nanoTime();
        double share = (double) (cpu1 - cpu0) / (t1 - t0);
        assertTrue(Math.abs(share - 0.2) <= 0.2 * 0.2, "measured CPU share " + share + ", quota 0.2");
        fx.runtime.delete(id, true);
    }

    @Test
    void statsReportMemoryAndPeak() throws Exception {
        RuntimeSpec spec = limited(new ResourcesSpec(new MemorySpec(128L << 20, null, null), null, new PidsSpec(100L), null),
                "sh", "-c", "probe hog 20; echo ready; sleep 30");
        String id = fx.newId();
        fx.runtime.create(id, fx.bundle(spec));
        fx.runtime.start(id);
        fx.awaitLog(id, "ready", T);
        CgroupStats s = fx.runtime.stats(id);
        assertEquals(128L << 20, s.memoryLimitBytes());
        assertTrue(s.memoryPeakBytes() >= 20L << 20, s.toString());
        assertTrue(s.pids() >= 1, s.toString()); // busybox sh execs its last command
        assertTrue(s.cpuUsageNanos() > 0, s.toString());
        assertEquals(0, s.oomKills());
        fx.runtime.delete(id, true);
    }
}
