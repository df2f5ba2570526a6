package dev.gantry.engine;

import dev.gantry.engine.spec.IdMappingSpec;
import dev.gantry.engine.spec.LinuxSpec;
import dev.gantry.engine.spec.NamespaceSpec;
import dev.gantry.engine.spec.RuntimeSpec;
import dev.gantry.engine.spec.UserSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Network, user, IPC and cgroup namespaces of real containers. */
class NamespacesTest {

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
    void ownNetworkNamespaceWithLoopbackUpAndNothingElse() throws Exception {
        Files.writeString(fx.rootfs.resolve("etc/hello.txt"), "hello over loopback\n");
        var r = fx.run(fx.spec("sh", "-c",
                "ls /sys/class/net; httpd -p 127.0.0.1:8080 -h /etc; wget -qO- http://127.0.0.1:8080/hello.txt"), T);
        assertEquals(List.of("lo", "hello over loopback"), r.lines(), r.output());
    }

    @Test
    void ipcUtsAndCgroupNamespacesAreNew() throws Exception {
        String host = Files.readSymbolicLink(Path.of("/proc/self/ns/ipc")).toString();
        var r = fx.run(fx.spec("sh", "-c", "readlink /proc/self/ns/ipc; cat /proc/self/cgroup | grep memory"), T);
        assertNotEquals(host, r.lines().get(0));
        // inside its cgroup namespace the container sees its own cgroup as the root
        assertEquals("4:memory:/", r.lines().get(1).replaceFirst("^\\d+:", "4:"));
    }

    @Test
    void userNamespaceWhenTheSpecAsksForIt() throws Exception {
        RuntimeSpec spec = fx.spec("sh", "-c", "id -u; cat /proc/self/uid_map; probe mount");
        LinuxSpec l = spec.linux();
        List<NamespaceSpec> ns = new ArrayList<>(l.namespaces());
        ns.add(new NamespaceSpec("user", null));
        List<IdMappingSpec> map = List.of(new IdMappingSpec(0L, 100000L, 65536L));
        l = new LinuxSpec(ns, map, map, l.resources(), l.cgroupsPath(), l.seccomp(), l.maskedPaths(), l.readonlyPaths(),
                l.rootfsPropagation(), l.sysctl());
        spec = spec.withLinux(l).withProcess(spec.process().withUser(new UserSpec(0L, 0L, null, null)));
        var r = fx.run(spec, T);
        assertEquals(0, r.exit().exitCode(), r.output());
        assertEquals("0", r.lines().get(0), "root inside");
        assertEquals(List.of("0", "100000", "65536"), List.of(r.lines().get(1).trim().split("\\s+")), "unprivileged outside");
        assertEquals("mount EPERM", r.lines().get(2));
    }
}
