package dev.gantry.engine.cgroup.v2;

import dev.gantry.engine.cgroup.CgroupManagers;
import dev.gantry.engine.cgroup.CgroupResources;
import dev.gantry.engine.cgroup.CgroupStats;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Against a fake unified tree in a temp dir (this machine has no v2 controllers). The fake has
 * the interface files a kernel would create, so a write to a file the kernel lacks fails here too.
 */
class CgroupV2ManagerTest {

    @TempDir
    Path root;
    private static final String PATH = "gantry/acme/web/web.1";

    @BeforeEach
    void fakeTree() throws Exception {
        Path dir = root;
        write(dir, "cgroup.controllers", "cpuset cpu io memory pids");
        write(dir, "cgroup.subtree_control", "");
        for (String part : PATH.split("/")) {
            dir = dir.resolve(part);
            write(dir, "cgroup.controllers", "cpu io memory pids");
            write(dir, "cgroup.subtree_control", "");
            for (String f : List.of("memory.max", "memory.swap.max", "cpu.weight", "cpu.max", "pids.max", "io.weight",
                    "cgroup.procs", "cgroup.kill")) {
                write(dir, f, "");
            }
        }
        Path leaf = root.resolve(PATH);
        write(leaf, "memory.current", "1048576");
        write(leaf, "memory.peak", "2097152");
        write(leaf, "pids.current", "3");
        write(leaf, "cpu.stat", "usage_usec 1500\nuser_usec 1000\nsystem_usec 500\n");
        write(leaf, "memory.events", "low 0\nhigh 0\nmax 4\noom 2\noom_kill 1\n");
        write(leaf, "cgroup.procs", "101\n102\n");
    }

    private static void write(Path dir, String file, String content) throws Exception {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(file), content);
    }

    @Test
    void detectsV2ByCgroupControllers() {
        assertEquals("v2", CgroupManagers.detect(root).version());
    }

    @Test
    void createEnablesControllersOnEveryAncestorAndAppliesLimitsToTheLeaf() throws Exception {
        CgroupV2Manager m = new CgroupV2Manager(root);
        m.create(PATH, new CgroupResources(64L << 20, 1024L, 50_000L, 100_000L, 100L, 500));
        assertEquals("+cpu +memory +pids +io", Files.readString(root.resolve("cgroup.subtree_control")));
        assertEquals("+cpu +memory +pids +io", Files.readString(root.resolve("gantry/acme/web/cgroup.subtree_control")));
        Path leaf = root.resolve(PATH);
        assertEquals(Long.toString(64L << 20), Files.readString(leaf.resolve("memory.max")));
        assertEquals("0", Files.readString(leaf.resolve("memory.swap.max")), "no swap");
        assertEquals("39", Files.readString(leaf.resolve("cpu.weight")), "1024 shares");
        assertEquals("50000 100000", Files.readString(leaf.resolve("cpu.max")));
        assertEquals("100", Files.readString(leaf.resolve("pids.max")));
        assertEquals("default 500", Files.readString(leaf.resolve("io.weight")));
    }

    @Test
    void parentLimitsAndUnlimitedValues() throws Exception {
        CgroupV2Manager m = new CgroupV2Manager(root);
        m.apply("gantry/acme", new CgroupResources(1L << 30, null, -1L, null, -1L, null));
        Path tenant = root.resolve("gantry/acme");
        assertEquals(Long.toString(1L << 30), Files.readString(tenant.resolve("memory.max")));
        assertEquals("max 100000", Files.readString(tenant.resolve("cpu.max")));
        assertEquals("max", Files.readString(tenant.resolve("pids.max")));
        assertEquals("", Files.readString(tenant.resolve("cpu.weight")), "unset fields are not written");
    }

    @Test
    void sharesToWeightMatchesRuncsConversion() {
        assertEquals(1, CgroupV2Manager.sharesToWeight(2));
        assertEquals(39, CgroupV2Manager.sharesToWeight(1024));
        assertEquals(10000, CgroupV2Manager.sharesToWeight(262144));
    }

    @Test
    void statsPidsAndProcs() {
        CgroupV2Manager m = new CgroupV2Manager(root);
        CgroupStats s = m.stats(PATH);
        assertEquals(new CgroupStats(1_500_000, 1048576, 2097152, -1, 3, 1), s);
        assertEquals(List.of(101, 102), m.pids(PATH));
        assertEquals(List.of(root.resolve(PATH).resolve("cgroup.procs")), m.procsFiles(PATH));
        assertEquals(List.of(root.resolve(PATH).resolve("cgroup.procs")), m.selfJoinFiles(PATH), "no tasks file on v2");
        assertEquals(root.resolve(PATH).resolve("memory.events"), m.oomEventsFile(PATH));
    }

    @Test
    void optionalFilesAreSkippedWhenTheKernelLacksThem() throws Exception {
        Files.delete(root.resolve(PATH).resolve("memory.swap.max"));
        Files.delete(root.resolve(PATH).resolve("io.weight"));
        new CgroupV2Manager(root).apply(PATH, new CgroupResources(64L << 20, null, null, null, null, 100));
        assertFalse(Files.exists(root.resolve(PATH).resolve("memory.swap.max")));
        assertTrue(new CgroupV2Manager(root).exists(PATH));
    }
}
