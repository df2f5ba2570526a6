package dev.gantry.engine;

import dev.gantry.engine.spec.RuntimeSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The per-container shim: small, a reaper, a size-capped rotating log, and re-attachable. */
class ShimTest {

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
    void shimIsTheInitsParentAndStaysSmall() throws Exception {
        String id = fx.newId();
        ContainerState s = fx.runtime.create(id, fx.bundle(fx.spec("sleep", "30")));
        fx.runtime.start(id);
        String status = Files.readString(Path.of("/proc", s.pid().toString(), "status"));
        int ppid = Integer.parseInt(field(status, "PPid"));
        String shimStatus = Files.readString(Path.of("/proc", Integer.toString(ppid), "status"));
        assertEquals("gantry-shim", field(shimStatus, "Name"));
        long rssKb = Long.parseLong(field(shimStatus, "VmRSS").replace(" kB", "").trim());
        System.out.println("ShimTest: shim VmRSS " + rssKb + " kB");
        // a few hundred kB at most: ~160 kB linked with musl, ~700 kB with glibc
        assertTrue(rssKb < 512, "shim RSS " + rssKb + " kB (linked with glibc? apt-get install musl-tools)");
        fx.runtime.delete(id, true);
    }

    @Test
    void logIsTimestampedCappedAndRotated() throws Exception {
        RuntimeSpec spec = fx.spec("sh", "-c", "i=0; while [ $i -lt 400 ]; do echo line-$i-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx; i=$((i+1)); done; echo tail >&2");
        Map<String, String> a = new HashMap<>(spec.annotations());
        a.put("dev.gantry.log.max-bytes", "4096");
        spec = spec.withAnnotations(a);
        String id = fx.newId();
        fx.runtime.create(id, fx.bundle(spec));
        fx.runtime.start(id);
        fx.runtime.awaitExit(id, Duration.ofSeconds(20));
        Path log = fx.runtime.logFile(id);
        Path rotated = log.resolveSibling("container.log.1");
        assertTrue(Files.size(log) <= 4096, "log " + Files.size(log));
        assertTrue(Files.exists(rotated) && Files.size(rotated) <= 4096);
        List<String> lines = Files.readAllLines(log);
        String last = lines.get(lines.size() - 1);
        assertTrue(last.matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{9}Z stderr F tail"), last);
        assertTrue(lines.get(0).matches("\\S+Z stdout F line-\\d+-x+"), lines.get(0));
        fx.runtime.delete(id, false);
    }

    @Test
    void aNewRuntimeInstanceReattachesFromTheStateDir() throws Exception {
        String id = fx.newId();
        fx.runtime.create(id, fx.bundle(fx.spec("sh", "-c", "echo hi; sleep 30")));
        fx.runtime.start(id);
        LinuxContainerRuntime second = new LinuxContainerRuntime(fx.runtime.stateRoot());
        assertEquals(ContainerStatus.RUNNING, second.state(id).status());
        assertEquals(fx.runtime.state(id).pid(), second.state(id).pid());
        ExitStatus exit = second.stop(id, Duration.ofSeconds(5));
        assertEquals(137, exit.exitCode(), "sleep as PID 1 ignores SIGTERM; stop escalates");
        second.delete(id, false);
        assertTrue(fx.runtime.list().isEmpty());
    }

    private static String field(String status, String key) {
        return status.lines().filter(l -> l.startsWith(key + ":")).findFirst().orElseThrow()
                .substring(key.length() + 1).trim();
    }
}
