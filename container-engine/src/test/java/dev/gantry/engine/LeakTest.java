package dev.gantry.engine;

import dev.gantry.engine.sys.ProcFs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** 200 create/start/delete cycles must leave no mounts, cgroups, processes, state or fds behind. */
class LeakTest {

    private static final int CYCLES = Integer.getInteger("gantry.test.leak.cycles", 200);
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
    void manyCyclesLeakNothing() throws Exception {
        // one warm-up cycle so lazily opened JVM resources (jnr, class loading) are not counted
        fx.run(fx.spec("true"), Duration.ofSeconds(10));
        Counts before = Counts.now(fx);
        long t0 = System.nanoTime();
        for (int i = 0; i < CYCLES; i++) {
            String id = "gantry-test-leak-" + i;
            fx.runtime.create(id, fx.bundle(fx.spec("true")));
            fx.runtime.start(id);
            assertEquals(0, fx.runtime.awaitExit(id, Duration.ofSeconds(10)).exitCode());
            fx.runtime.delete(id, false);
        }
        double perCycleMs = (System.nanoTime() - t0) / 1e6 / CYCLES;
        System.out.printf("LeakTest: %d cycles, %.1f ms per create/start/exit/delete%n", CYCLES, perCycleMs);
        Counts after = Counts.now(fx);
        assertEquals(before.mounts, after.mounts, "mounts");
        assertEquals(before.cgroups, after.cgroups, "cgroup dirs below " + fx.cgroupPrefix);
        assertEquals(before.shims, after.shims, "gantry-shim processes");
        assertEquals(before.stateEntries, after.stateEntries, "state dir entries");
        // a few fds come and go with GC'd Process objects; a real leak grows with CYCLES
        assertTrue(after.fds - before.fds < 10, "fds before " + before.fds + " after " + after.fds);
    }

    private record Counts(long mounts, long cgroups, long shims, long stateEntries, int fds) {

        static Counts now(Fixture fx) throws IOException {
            System.gc();
            return new Counts(
                    // only mounts below this fixture's dir: other engines on the host (other builds'
                    // tests) mount and unmount their own containers meanwhile
                    Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
                            .filter(l -> l.split(" ")[4].startsWith(fx.work.toString())).count(),
                    countDirs(fx.cgroupPrefix),
                    shimProcesses(fx.work.toString()),
                    count(fx.runtime.stateRoot()),
                    ProcFs.openFds());
        }

        private static long countDirs(String prefix) throws IOException {
            long n = 0;
            try (Stream<Path> roots = Files.list(Path.of("/sys/fs/cgroup"))) {
                for (Path r : roots.toList()) {
                    Path top = r.resolve(prefix);
                    if (Files.isDirectory(top)) {
                        try (Stream<Path> s = Files.walk(top)) {
                            n += s.filter(Files::isDirectory).count();
                        }
                    }
                }
            }
            return n;
        }

        /** Live shims of this fixture (their command line names its state dir; other builds run shims too). */
        private static long shimProcesses(String work) throws IOException {
            try (Stream<Path> s = Files.list(Path.of("/proc"))) {
                return s.filter(p -> p.getFileName().toString().matches("\\d+")).filter(p -> {
                    try {
                        // exited shims wait as zombies for the host's init to reap them: not ours to count
                        return Files.readString(p.resolve("comm")).trim().equals("gantry-shim")
                                && Files.readString(p.resolve("cmdline")).contains(work)
                                && !Files.readString(p.resolve("stat")).replaceAll(".*\\) ", "").startsWith("Z");
                    } catch (IOException e) {
                        return false;
                    }
                }).count();
            }
        }

        private static long count(Path dir) throws IOException {
            try (Stream<Path> s = Files.list(dir)) {
                return s.filter(p -> !p.getFileName().toString().equals(".shim")).count();
            }
        }
    }
}
