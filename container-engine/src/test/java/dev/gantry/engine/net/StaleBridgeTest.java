package dev.gantry.engine.net;

import dev.gantry.engine.Fixture;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** A tenant bridge left from an earlier run (wrong address, unknown to IPAM) is replaced, not reused. */
class StaleBridgeTest {

    @Test
    void aStaleBridgeIsMadeAnew() throws Exception {
        try (Fixture fx = new Fixture()) {
            assumeTrue(Files.isExecutable(Path.of("/usr/sbin/nft")), "SKIPPED: nft is missing: apt-get install nftables");
            String tenant = "ts-" + UUID.randomUUID().toString().substring(0, 8);
            String bridge = IpamData.uniqueName("gt-", tenant, 10, Set.of());
            try {
                run("ip", "link", "add", bridge, "type", "bridge");
                run("ip", "addr", "add", "198.19.77.1/24", "dev", bridge);
                String id = fx.newId();
                Files.createDirectories(fx.rootfs.resolve("www"));
                fx.runtime.create(id, fx.bundle(new NetworkRequest(tenant, false)
                        .applyTo(fx.spec("httpd", "-f", "-p", "8080", "-h", "/www"))));
                fx.runtime.start(id);
                String ip = fx.runtime.state(id).networkAddress();
                long deadline = System.nanoTime() + 10_000_000_000L;
                while (true) {
                    try (Socket s = new Socket()) {
                        s.connect(new InetSocketAddress(ip, 8080), 500);
                        break;
                    } catch (IOException e) {
                        assertTrue(System.nanoTime() < deadline, "host cannot reach " + ip + " through the remade bridge");
                        Fixture.sleep(20);
                    }
                }
                String addrs = Files.readString(Path.of("/proc/net/fib_trie"));
                assertFalse(addrs.contains("198.19.77.1"), "the stale address is gone with the stale bridge");
                fx.runtime.delete(id, true);
                assertFalse(Files.exists(Path.of("/sys/class/net", bridge)));
            } finally {
                new ProcessBuilder("ip", "link", "del", bridge).start().waitFor();
                fx.runtime.reconcileNetworks();
            }
        }
    }

    private static void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), String.join(" ", cmd) + ": " + out);
    }
}
