package dev.gantry.engine.cgroup.v1;

import dev.gantry.engine.Fixture;
import dev.gantry.engine.cgroup.CgroupResources;
import dev.gantry.engine.sys.Syscalls;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The real v1 hierarchy of this machine: nested tenant/app/instance levels. */
class CgroupV1ManagerTest {

    private static final Path ROOT = Path.of("/sys/fs/cgroup");
    private final String prefix = "gantry-test-" + UUID.randomUUID().toString().substring(0, 8);

    @AfterEach
    void cleanup() throws Exception {
        Fixture.removeCgroups(prefix);
    }

    @Test
    void nestedLimitsAreWrittenAndRemoved() throws Exception {
        assumeTrue(Syscalls.geteuid() == 0, "SKIPPED: needs root to write cgroups");
        assumeTrue(Files.isDirectory(ROOT.resolve("memory")) && !Files.exists(ROOT.resolve("cgroup.controllers")),
                "SKIPPED: host has no cgroup v1 memory hierarchy");
        CgroupV1Manager m = new CgroupV1Manager(ROOT);
        String tenant = prefix + "/acme";
        String instance = tenant + "/web/web.1";
        m.create(tenant, new CgroupResources(256L << 20, null, 100_000L, 100_000L, 50L, null));
        m.create(instance, new CgroupResources(64L << 20, 512L, 20_000L, 100_000L, 10L, null));
        Path mem = ROOT.resolve("memory").resolve(instance);
        assertEquals(Long.toString(64L << 20), Files.readString(mem.resolve("memory.limit_in_bytes")).trim());
        if (Files.exists(mem.resolve("memory.memsw.limit_in_bytes"))) {
            assertEquals(Long.toString(64L << 20), Files.readString(mem.resolve("memory.memsw.limit_in_bytes")).trim());
        }
        assertEquals(Long.toString(256L << 20),
                Files.readString(ROOT.resolve("memory").resolve(tenant).resolve("memory.limit_in_bytes")).trim());
        Path cpu = ROOT.resolve("cpu").resolve(instance);
        assertEquals("512", Files.readString(cpu.resolve("cpu.shares")).trim());
        assertEquals("20000", Files.readString(cpu.resolve("cpu.cfs_quota_us")).trim());
        assertEquals("10", Files.readString(ROOT.resolve("pids").resolve(instance).resolve("pids.max")).trim());
        assertTrue(m.exists(instance));
        assertEquals(0, m.stats(instance).pids());
        assertTrue(m.pids(instance).isEmpty());
        m.killAll(instance); // empty: returns at once
        m.destroy(instance);
        assertFalse(m.exists(instance));
        assertTrue(m.exists(tenant), "destroy removes only the leaf");
    }
}
