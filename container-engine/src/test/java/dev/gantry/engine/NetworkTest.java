package dev.gantry.engine;

import dev.gantry.engine.net.Attachment;
import dev.gantry.engine.net.Cidr;
import dev.gantry.engine.net.NetworkRequest;
import dev.gantry.engine.net.NetworkSettings;
import dev.gantry.engine.spec.RuntimeSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Tenant networks with real containers, bridges, veths and nftables. Tenants are named
 * {@code t-<random>}, so runs of this test beside other engines never share a bridge.
 */
class NetworkTest {

    private static final Duration T = Duration.ofSeconds(20);
    private static final int HTTP = 8080;
    private Fixture fx;
    private final String tenantA = "ta-" + UUID.randomUUID().toString().substring(0, 8);
    private final String tenantB = "tb-" + UUID.randomUUID().toString().substring(0, 8);

    @BeforeEach
    void setUp() throws Exception {
        fx = new Fixture();
        assumeTrue(Files.isExecutable(Path.of("/usr/sbin/nft")) || Files.isExecutable(Path.of("/sbin/nft")),
                "SKIPPED: nft is missing: apt-get install nftables");
        Files.createDirectories(fx.rootfs.resolve("www"));
        Files.writeString(fx.rootfs.resolve("www/index.html"), "hello from the container\n");
    }

    @AfterEach
    void tearDown() throws Exception {
        if (fx != null) {
            try {
                fx.close();
            } finally {
                fx.runtime.reconcileNetworks();
            }
        }
    }

    private RuntimeSpec netSpec(String tenant, boolean egress, String... args) {
        return new NetworkRequest(tenant, egress).applyTo(fx.spec(args));
    }

    /** Creates and starts a container; returns its id. */
    private String startContainer(RuntimeSpec spec) throws IOException {
        String id = fx.newId();
        fx.runtime.create(id, fx.bundle(spec));
        fx.runtime.start(id);
        return id;
    }

    private String httpServer(String tenant) throws IOException {
        String id = startContainer(netSpec(tenant, false, "httpd", "-f", "-p", Integer.toString(HTTP), "-h", "/www"));
        awaitPort(fx.runtime.state(id).networkAddress(), HTTP);
        return id;
    }

    private static void awaitPort(String host, int port) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(host, port), 500);
                return;
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("nothing listens on " + host + ":" + port, e);
                }
                Fixture.sleep(20);
            }
        }
    }

    private static String httpGet(String host, int port) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 2000);
            s.setSoTimeout(2000);
            s.getOutputStream().write(("GET / HTTP/1.0\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void hostReachesAServerInAContainerByItsAddress() throws Exception {
        String id = httpServer(tenantA);
        ContainerState st = fx.runtime.state(id);
        String ip = st.networkAddress();
        assertTrue(Cidr.parse(NetworkSettings.DEFAULT_SUBNET).contains(Cidr.parseAddress(ip)), ip);
        assertEquals(ip, st.annotations().get(NetworkRequest.ADDRESS));
        assertNotNull(st.annotations().get(NetworkRequest.GATEWAY));
        assertTrue(httpGet(ip, HTTP).contains("hello from the container"));
    }

    @Test
    void containerSeesEth0AddressRouteAndEtcFiles() throws Exception {
        RuntimeSpec spec = netSpec(tenantA, false, "sh", "-c",
                "ls /sys/class/net; ip -4 -o addr show dev eth0; ip route; cat /etc/hostname /etc/hosts /etc/resolv.conf");
        String id = fx.newId();
        fx.runtime.create(id, fx.bundle(spec));
        String ip = fx.runtime.state(id).networkAddress();
        String gw = fx.runtime.state(id).annotations().get(NetworkRequest.GATEWAY);
        fx.runtime.start(id);
        fx.runtime.awaitExit(id, T);
        String out = String.join("\n", Fixture.logLines(fx.runtime.logFile(id)));
        assertTrue(out.startsWith("eth0\nlo\n"), out);
        assertTrue(out.contains("inet " + ip + "/24"), out);
        assertTrue(out.contains("default via " + gw + " dev eth0"), out);
        assertTrue(out.contains("gantry-test\n"), out); // the spec's hostname
        assertTrue(out.contains(ip + "\tgantry-test"), out);
        assertTrue(out.contains("nameserver "), out);
        assertFalse(out.contains("nameserver 127."), out);
    }

    @Test
    void containersOfOneTenantTalkToEachOther() throws Exception {
        String server = httpServer(tenantA);
        String ip = fx.runtime.state(server).networkAddress();
        var r = fx.run(netSpec(tenantA, false, "sh", "-c", get(ip)), T);
        assertEquals(0, r.exit().exitCode(), r.output());
        assertTrue(r.stdout().contains("hello from the container"), r.output());
    }

    /** An HTTP GET with nc (busybox-static's wget crashes resolving in this minimal rootfs). */
    private static String get(String ip) {
        return "printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 2 " + ip + " " + HTTP;
    }

    @Test
    void anotherTenantCannotConnectAndFailsWithinTwoSeconds() throws Exception {
        String server = httpServer(tenantA);
        String ip = fx.runtime.state(server).networkAddress();
        long t0 = System.nanoTime();
        var r = fx.run(netSpec(tenantB, false, "sh", "-c",
                "nc -w 2 " + ip + " " + HTTP + " </dev/null && echo CONNECTED || echo REFUSED"), T);
        double s = (System.nanoTime() - t0) / 1e9;
        assertEquals(List.of("REFUSED"), r.stdout(), r.output());
        assertTrue(s < 3.0, "took " + s + " s (2 s timeout + container start)");
        // separate L2 segments: ARP of B never reaches A's bridge
        String bridgeA = fx.runtime.state(server).annotations().get(NetworkRequest.BRIDGE);
        String bridgeB = fx.runtime.network().bridgeOf(tenantB);
        assertNotEquals(bridgeA, bridgeB);
        // and the host still reaches it
        assertTrue(httpGet(ip, HTTP).contains("hello"));
    }

    @Test
    void containersCannotReachHostPortsViaGatewayOrHostAddress() throws Exception {
        try (ServerSocket host = new ServerSocket()) {
            host.bind(new InetSocketAddress(0));
            host.setSoTimeout(1);
            int port = host.getLocalPort();
            String hostAddr = hostAddress();
            RuntimeSpec spec = netSpec(tenantA, true, "sh", "-c",
                    "gw=$(ip route | awk '/default/ {print $3}'); "
                            + "for a in $gw " + hostAddr + "; do nc -w 2 $a " + port + " </dev/null && echo OPEN $a || echo CLOSED $a; done");
            long t0 = System.nanoTime();
            var r = fx.run(spec, T);
            double s = (System.nanoTime() - t0) / 1e9;
            assertEquals(2, r.stdout().size(), r.output());
            assertTrue(r.stdout().stream().allMatch(l -> l.startsWith("CLOSED ")), r.output());
            assertTrue(s < 5.5, "took " + s + " s for two attempts");
            assertThrows(SocketTimeoutException.class, host::accept, "nothing got through to the host");
        }
    }

    @Test
    void aHostPortOnTheAllowListIsReachable() throws Exception {
        try (ServerSocket host = new ServerSocket()) {
            host.bind(new InetSocketAddress(0));
            int port = host.getLocalPort();
            Thread acceptor = new Thread(() -> { // answer and hang up, so nc ends
                try {
                    while (true) {
                        host.accept().close();
                    }
                } catch (IOException closed) {
                    // the test is over
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            NetworkSettings allow = NetworkSettings.fromEnvironment().withAllowedHostPorts(List.of(port));
            LinuxContainerRuntime rt = new LinuxContainerRuntime(fx.runtime.stateRoot(), fx.runtime.cgroups(), allow);
            String id = fx.newId();
            try {
                rt.create(id, fx.bundle(netSpec(tenantA, false, "sh", "-c",
                        "gw=$(ip route | awk '/default/ {print $3}'); nc -w 2 $gw " + port + " </dev/null && echo OPEN || echo CLOSED")));
                rt.start(id);
                rt.awaitExit(id, T);
                assertEquals(List.of("OPEN"), Fixture.streamLines(rt.logFile(id), "stdout"));
            } finally {
                rt.delete(id, true);
                // back to the default (no host port), for everything else on this host
                new LinuxContainerRuntime(fx.runtime.stateRoot(), fx.runtime.cgroups(), NetworkSettings.fromEnvironment())
                        .reconcileNetworks();
            }
        }
    }

    /** The host's first IPv4 address that is neither loopback nor on a Gantry bridge. */
    private static String hostAddress() throws IOException {
        for (NetworkInterface i : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (i.isLoopback() || i.getName().startsWith("gt-") || !i.isUp()) {
                continue;
            }
            for (InetAddress a : Collections.list(i.getInetAddresses())) {
                if (a instanceof Inet4Address) {
                    return a.getHostAddress();
                }
            }
        }
        throw new AssertionError("no host IPv4 address");
    }

    @Test
    void twoHundredContainersLeaveNothingAndReuseAddresses() throws Exception {
        int cycles = Integer.getInteger("gantry.test.leak.cycles", 200);
        Set<String> hosts = new HashSet<>();
        List<String> veths = new ArrayList<>();
        Set<String> addresses = new HashSet<>();
        String bridge = null;
        long t0 = System.nanoTime();
        for (int i = 0; i < cycles; i++) {
            String id = "gantry-test-net-" + i;
            fx.runtime.create(id, fx.bundle(netSpec(tenantA, i % 2 == 0, "true")));
            ContainerState st = fx.runtime.state(id);
            addresses.add(st.networkAddress());
            hosts.add(st.networkAddress().substring(st.networkAddress().lastIndexOf('.')));
            bridge = st.annotations().get(NetworkRequest.BRIDGE);
            for (Attachment a : fx.runtime.network().attachments()) {
                if (a.id().equals(id) && a.stateRoot().equals(fx.runtime.stateRoot().toString())) {
                    veths.add(a.hostVeth());
                }
            }
            fx.runtime.start(id);
            assertEquals(0, fx.runtime.awaitExit(id, Duration.ofSeconds(10)).exitCode());
            fx.runtime.delete(id, false);
        }
        System.out.printf("NetworkTest: %d networked cycles, %.1f ms each%n", cycles, (System.nanoTime() - t0) / 1e6 / cycles);
        assertEquals(Set.of(".2"), hosts, "the freed address is the next one handed out");
        assertEquals(cycles, veths.size());
        awaitGone(veths);
        assertFalse(Files.exists(Path.of("/sys/class/net", bridge)), "bridge " + bridge + " removed with its last container");
        assertTrue(fx.runtime.network().attachments().stream()
                .noneMatch(a -> a.stateRoot().equals(fx.runtime.stateRoot().toString())), "IPAM entries left");
        assertNull(fx.runtime.network().bridgeOf(tenantA));
        String egress = nftSet("egress");
        for (String a : addresses) {
            assertFalse(egress.contains(a + ",") || egress.contains(a + " ") || egress.contains(a + "\n"), egress);
        }
        assertFalse(nftSet("same_bridge").contains(bridge), "bridge left in the same_bridge set");
    }

    private static void awaitGone(List<String> veths) {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        List<String> left;
        do {
            left = veths.stream().filter(v -> Files.exists(Path.of("/sys/class/net", v))).toList();
            if (left.isEmpty()) {
                return;
            }
            Fixture.sleep(50);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("veths left: " + left);
    }

    private static String nftSet(String set) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("nft", "list", "set", "inet", "gantry", set).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out;
    }

    @Test
    void concurrentCreatesNeverShareAnAddress() throws Exception {
        int n = 12;
        var pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            List<java.util.concurrent.Future<String>> ids = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String id = "gantry-test-par-" + i;
                RuntimeSpec spec = netSpec(i % 2 == 0 ? tenantA : tenantB, false, "sleep", "30");
                Path bundle = fx.bundle(spec);
                ids.add(pool.submit(() -> {
                    fx.runtime.create(id, bundle);
                    return fx.runtime.state(id).networkAddress();
                }));
            }
            Set<String> addresses = new HashSet<>();
            for (var f : ids) {
                addresses.add(f.get());
            }
            assertEquals(n, addresses.size(), "distinct addresses: " + addresses);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void reconcileCleansUpAfterAContainerWhoseShimDied() throws Exception {
        String id = startContainer(netSpec(tenantA, true, "sleep", "1000"));
        ContainerState st = fx.runtime.state(id);
        String veth = fx.runtime.network().attachments().stream()
                .filter(a -> a.id().equals(id) && a.stateRoot().equals(fx.runtime.stateRoot().toString()))
                .findFirst().orElseThrow().hostVeth();
        // the shim is SIGKILLed, then the init: nothing of the engine ran on the way down
        List<Integer> pids = fx.runtime.ps(id);
        int shimPid = shimPid(id);
        dev.gantry.engine.sys.Syscalls.kill(shimPid, 9);
        for (int pid : pids) {
            dev.gantry.engine.sys.Syscalls.kill(pid, 9);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        List<Attachment> released = List.of();
        while (System.nanoTime() < deadline) {
            released = fx.runtime.reconcileNetworks();
            if (released.stream().anyMatch(a -> a.id().equals(id))) {
                break;
            }
            Fixture.sleep(50);
        }
        assertTrue(released.stream().anyMatch(a -> a.id().equals(id) && a.address().equals(st.networkAddress())),
                "released " + released);
        awaitGone(List.of(veth));
        assertNull(fx.runtime.network().bridgeOf(tenantA));
        fx.runtime.delete(id, true); // still possible, and frees nothing twice
    }

    private int shimPid(String id) throws IOException {
        return dev.gantry.engine.spec.SpecLoader.JSON.readValue(
                fx.runtime.stateRoot().resolve(id).resolve("state.json").toFile(), ContainerRecord.class).shimPid();
    }

    @Test
    void anotherRuntimeOnTheSameStateSeesTheAddressAndNeverHandsItOutAgain() throws Exception {
        String first = httpServer(tenantA);
        String ip = fx.runtime.state(first).networkAddress();
        LinuxContainerRuntime again = new LinuxContainerRuntime(fx.runtime.stateRoot());
        assertEquals(ip, again.state(first).networkAddress());
        String second = fx.newId();
        again.create(second, fx.bundle(netSpec(tenantA, false, "sh", "-c", get(ip))));
        assertNotEquals(ip, again.state(second).networkAddress());
        again.start(second);
        assertEquals(0, again.awaitExit(second, T).exitCode());
        assertTrue(Fixture.streamLines(again.logFile(second), "stdout").contains("hello from the container"));
    }

    @Test
    void aSubnetThatCollidesWithAHostRouteIsRefused() throws Exception {
        String route = null;
        for (String line : Files.readAllLines(Path.of("/proc/net/route")).subList(1, Files.readAllLines(Path.of("/proc/net/route")).size())) {
            String[] f = line.trim().split("\\s+");
            if (!f[7].equals("00000000") && !f[0].startsWith("gt-")) {
                route = f[0];
                int dest = Integer.reverseBytes((int) Long.parseLong(f[1], 16));
                int mask = Integer.bitCount(Integer.reverseBytes((int) Long.parseLong(f[7], 16)));
                route = new Cidr(dest, mask).toString();
                break;
            }
        }
        assumeTrue(route != null, "SKIPPED: the host has no non-default route to collide with");
        NetworkSettings clash = NetworkSettings.fromEnvironment().withSubnet(Cidr.parse(route));
        LinuxContainerRuntime rt = new LinuxContainerRuntime(fx.runtime.stateRoot(), fx.runtime.cgroups(),
                clash.tenantPrefix() < Cidr.parse(route).prefix()
                        ? new NetworkSettings(Cidr.parse(route), Math.min(30, Cidr.parse(route).prefix() + 2), List.of(), clash.stateDir())
                        : clash);
        String id = fx.newId();
        EngineException e = assertThrows(EngineException.class, () -> rt.create(id, fx.bundle(netSpec(tenantA, false, "true"))));
        assertEquals(ErrorCode.NETWORK, e.code());
        assertTrue(e.getMessage().contains("collides with the host route " + route), e.getMessage());
        assertFalse(Files.exists(fx.runtime.stateRoot().resolve(id)), "nothing left behind");
    }

    /**
     * "The outside world": a network namespace behind a veth on the host (198.18.x.0/30, the
     * benchmarking range) with an HTTP server. Only a container with egress reaches it, and
     * masqueraded: the outside has no route back to the container subnet.
     */
    @Test
    void egressOnlyWhenAskedForAndMasqueraded() throws Exception {
        int x = 1 + new java.util.Random().nextInt(250);
        String veth = "gx" + UUID.randomUUID().toString().substring(0, 8);
        Process outside = new ProcessBuilder("unshare", "-n", "sleep", "120").start();
        Process server = null;
        try {
            Fixture.sleep(100);
            long pid = outside.pid();
            run("ip", "link", "add", veth, "type", "veth", "peer", "name", "ext0", "netns", Long.toString(pid));
            run("ip", "addr", "add", "198.18." + x + ".1/30", "dev", veth);
            run("ip", "link", "set", veth, "up");
            String ns = "--net=/proc/" + pid + "/ns/net";
            run("nsenter", ns, "ip", "addr", "add", "198.18." + x + ".2/30", "dev", "ext0");
            run("nsenter", ns, "ip", "link", "set", "ext0", "up");
            run("nsenter", ns, "ip", "link", "set", "lo", "up");
            server = new ProcessBuilder("nsenter", ns, TestEnv.BUSYBOX.toString(), "httpd", "-f", "-p", Integer.toString(HTTP),
                    "-h", fx.rootfs.resolve("www").toString()).start();
            String target = "198.18." + x + ".2";
            awaitPort(target, HTTP);
            var with = fx.run(netSpec(tenantA, true, "sh", "-c", get(target)), T);
            assertTrue(with.stdout().contains("hello from the container"), with.output());
            long t0 = System.nanoTime();
            var without = fx.run(netSpec(tenantA, false, "sh", "-c", get(target) + " || echo FAILED"), T);
            assertEquals(List.of("FAILED"), without.stdout(), without.output());
            assertTrue((System.nanoTime() - t0) / 1e9 < 3.0);
        } finally {
            if (server != null) {
                server.destroyForcibly().waitFor();
            }
            outside.destroyForcibly().waitFor();
            new ProcessBuilder("ip", "link", "del", veth).start().waitFor();
        }
    }

    private static void run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), String.join(" ", cmd) + ": " + out);
    }

    @Test
    void noAnnotationMeansLoopbackOnly() throws Exception {
        var r = fx.run(fx.spec("ls", "/sys/class/net"), T);
        assertEquals(List.of("lo"), r.lines());
    }

    @Test
    void invalidNetworkAnnotationsAreRefusedNamingTheField() throws Exception {
        RuntimeSpec s = fx.spec("true").withAnnotations(Map.of(NetworkRequest.TENANT, "Not_A_Label"));
        EngineException e = assertThrows(EngineException.class, () -> fx.runtime.create(fx.newId(), fx.bundle(s)));
        assertEquals(ErrorCode.INVALID_SPEC, e.code());
        assertTrue(e.getMessage().contains("annotations.dev.gantry.network.tenant"), e.getMessage());
    }
}
