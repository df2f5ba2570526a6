// Run by bench/network.sh (single-file source launch). Two measurements, not part of CI:
// 1. network set-up time: create of the same bundle with and without a tenant network, alternating;
// 2. HTTP through veth + bridge vs host loopback: the same busybox httpd inside a Gantry container
//    and on 127.0.0.1, driven by wrk in alternating rounds after a warm-up.
import dev.gantry.engine.LinuxContainerRuntime;
import dev.gantry.engine.net.NetworkRequest;
import dev.gantry.engine.spec.RuntimeSpec;
import dev.gantry.engine.spec.SpecDefaults;
import dev.gantry.engine.spec.SpecLoader;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;

public class NetworkBench {

    static Path work;
    static LinuxContainerRuntime rt;
    static String tenant = "bench-" + UUID.randomUUID().toString().substring(0, 6);
    static String cgroup = "gantry-bench-" + UUID.randomUUID().toString().substring(0, 6);

    public static void main(String[] args) throws Exception {
        int runs = Integer.parseInt(args[0]);
        int rounds = Integer.parseInt(args[1]);
        String duration = args[2];
        String conns = args[3];
        work = Files.createTempDirectory("gantry-bench-");
        rt = new LinuxContainerRuntime(work.resolve("state"));
        try {
            Path rootfs = Files.createDirectories(work.resolve("bundle/rootfs"));
            makeRootfs(rootfs);
            setup(runs, "the tenant's first container (bridge created, and removed on delete)");
            String id = "bench-httpd";
            writeSpec(List.of("httpd", "-f", "-p", "8080", "-h", "/www"), cgroup + "/httpd", true);
            rt.create(id, work.resolve("bundle"));
            rt.start(id);
            setup(runs, "another container of a tenant that has one running (the usual case)");
            attachOnly(runs * 5);
            String ip = rt.state(id).networkAddress();
            String tiny = "bench-tiny";
            writeSpec(List.of("/bin/tinyhttpd", "0.0.0.0", "8081"), cgroup + "/tiny", true);
            rt.create(tiny, work.resolve("bundle"));
            rt.start(tiny);
            String tinyIp = rt.state(tiny).networkAddress();
            compare("tinyhttpd (bench/tinyhttpd.c: keep-alive, epoll, one thread)", rounds, duration, conns,
                    "http://" + tinyIp + ":8081/", List.of(rootfs.resolve("bin/tinyhttpd").toString(), "127.0.0.1", "18081"),
                    "http://127.0.0.1:18081/");
            compare("busybox httpd (a fork per connection, no keep-alive)", rounds, duration, conns,
                    "http://" + ip + ":8080/index.html", List.of("/bin/busybox", "httpd", "-f", "-p", "127.0.0.1:18080", "-h",
                            rootfs.resolve("www").toString()), "http://127.0.0.1:18080/index.html");
            rt.delete(id, true);
            rt.delete(tiny, true);
        } finally {
            for (var s : rt.list()) {
                rt.delete(s.id(), true);
            }
            new ProcessBuilder("sh", "-c", "for d in /sys/fs/cgroup/*/" + cgroup + "; do rmdir $d 2>/dev/null; done; rm -rf "
                    + work).inheritIO().start().waitFor();
        }
    }

    /** The same server in the container and on host loopback, wrk in alternating rounds after a warm-up. */
    static void compare(String label, int rounds, String duration, String conns, String c, List<String> hostCmd, String l)
            throws Exception {
        Process host = new ProcessBuilder(hostCmd).start();
        try {
            String hp = l.substring(7, l.indexOf('/', 7));
            await(hp.split(":")[0], Integer.parseInt(hp.split(":")[1]));
            String cp = c.substring(7, c.indexOf('/', 7));
            await(cp.split(":")[0], Integer.parseInt(cp.split(":")[1]));
            wrk(c, "2s", conns);
            wrk(l, "2s", conns); // warm-up
            List<double[]> cr = new ArrayList<>();
            List<double[]> lr = new ArrayList<>();
            for (int i = 0; i < rounds; i++) {
                cr.add(wrk(c, duration, conns));
                lr.add(wrk(l, duration, conns));
            }
            System.out.printf("%nHTTP, %s, wrk -t2 -c%s -d%s, %d alternating rounds, medians%n", label, conns, duration, rounds);
            System.out.println("| where | req/s | p50 ms | p99 ms |");
            System.out.println("|---|---|---|---|");
            double[] cm = medians(cr);
            double[] lm = medians(lr);
            System.out.printf("| container (veth + bridge + nftables) | %.0f | %.3f | %.2f |%n", cm[0], cm[1], cm[2]);
            System.out.printf("| host loopback | %.0f | %.3f | %.2f |%n", lm[0], lm[1], lm[2]);
            System.out.printf("container/loopback: throughput %.2fx, p50 %.2fx, p99 %.2fx%n", cm[0] / lm[0], cm[1] / lm[1],
                    cm[2] / lm[2]);
        } finally {
            host.destroyForcibly().waitFor();
        }
    }

    /** Create times with and without a network, alternating, same bundle otherwise. */
    static void setup(int runs, String label) throws Exception {
        List<Double> with = new ArrayList<>();
        List<Double> without = new ArrayList<>();
        for (int i = -3; i < runs; i++) { // three warm-up pairs
            for (boolean net : new boolean[] {true, false}) {
                writeSpec(List.of("true"), cgroup + "/s" + i + net, net);
                String id = "bench-setup-" + (i + 3) + net + label.length();
                long t0 = System.nanoTime();
                rt.create(id, work.resolve("bundle"));
                double ms = (System.nanoTime() - t0) / 1e6;
                rt.delete(id, true);
                if (i >= 0) {
                    (net ? with : without).add(ms);
                }
            }
        }
        Collections.sort(with);
        Collections.sort(without);
        System.out.printf("%ncreate, %s, %d runs each (ms)   median   p90%n", label, runs);
        System.out.printf("  without network          %6.1f %6.1f%n", without.get(runs / 2), without.get(runs * 9 / 10));
        System.out.printf("  with a tenant network    %6.1f %6.1f%n", with.get(runs / 2), with.get(runs * 9 / 10));
        System.out.printf("  network set-up (median difference) %.1f ms%n", with.get(runs / 2) - without.get(runs / 2));
    }

    /**
     * The network part alone, as create runs it (allocate under the IPAM lock, then attach: veth
     * pair into the namespace, address, up, route), and release, against a bare network
     * namespace (unshare -n sleep) so no container set-up is included.
     */
    static void attachOnly(int runs) throws Exception {
        Process ns = new ProcessBuilder("unshare", "-n", "sleep", "600").start();
        try {
            Thread.sleep(100);
            int pid = (int) ns.pid();
            long start = dev.gantry.engine.sys.ProcFs.startTime(pid);
            var net = rt.network();
            Path root = work.resolve("fake-root");
            Files.createDirectories(root);
            List<Double> setup = new ArrayList<>();
            List<Double> teardown = new ArrayList<>();
            for (int i = -5; i < runs; i++) {
                String id = "attach-" + (i + 5);
                Files.createDirectories(root.resolve(id));
                long t0 = System.nanoTime();
                net.allocate(root, id, new NetworkRequest(tenant, false));
                net.attach(root, id, pid, start);
                long t1 = System.nanoTime();
                net.release(root, id);
                long t2 = System.nanoTime();
                if (i >= 0) {
                    setup.add((t1 - t0) / 1e6);
                    teardown.add((t2 - t1) / 1e6);
                }
            }
            Collections.sort(setup);
            Collections.sort(teardown);
            System.out.printf("%nnetwork alone (allocate + attach into a bare netns; release), %d runs (ms)   median   p90%n", runs);
            System.out.printf("  set-up                   %6.2f %6.2f%n", setup.get(runs / 2), setup.get(runs * 9 / 10));
            System.out.printf("  tear-down                %6.2f %6.2f%n", teardown.get(runs / 2), teardown.get(runs * 9 / 10));
        } finally {
            ns.destroyForcibly().waitFor();
        }
    }

    static double[] medians(List<double[]> r) {
        double[] m = new double[3];
        for (int k = 0; k < 3; k++) {
            List<Double> v = new ArrayList<>();
            for (double[] x : r) {
                v.add(x[k]);
            }
            Collections.sort(v);
            m[k] = v.get(v.size() / 2);
        }
        return m;
    }

    /** {req/s, p50 ms, p99 ms} from wrk --latency. */
    static double[] wrk(String url, String duration, String conns) throws Exception {
        Process p = new ProcessBuilder("wrk", "-t2", "-c" + conns, "-d" + duration, "--latency", url)
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        double rps = 0;
        double p50 = 0;
        double p99 = 0;
        for (String line : out.split("\n")) {
            String t = line.trim();
            if (t.startsWith("Requests/sec:")) {
                rps = Double.parseDouble(t.split("\\s+")[1]);
            } else if (t.startsWith("50%")) {
                p50 = ms(t.split("\\s+")[1]);
            } else if (t.startsWith("99%")) {
                p99 = ms(t.split("\\s+")[1]);
            }
        }
        if (out.contains("Socket errors") || out.contains("Non-2xx")) {
            System.out.println("wrk " + url + ": " + out.lines().filter(x -> x.contains("errors") || x.contains("Non-2xx")).toList());
        }
        return new double[] {rps, p50, p99};
    }

    static double ms(String v) {
        if (v.endsWith("us")) {
            return Double.parseDouble(v.substring(0, v.length() - 2)) / 1000;
        }
        if (v.endsWith("ms")) {
            return Double.parseDouble(v.substring(0, v.length() - 2));
        }
        return Double.parseDouble(v.substring(0, v.length() - 1)) * 1000;
    }

    static void await(String host, int port) throws Exception {
        for (int i = 0; i < 500; i++) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(host, port), 200);
                return;
            } catch (Exception e) {
                Thread.sleep(10);
            }
        }
        throw new IllegalStateException("nothing listens on " + host + ":" + port);
    }

    static void writeSpec(List<String> argv, String cg, boolean net) throws Exception {
        RuntimeSpec s = SpecDefaults.app(argv, "rootfs", "bench", 1024);
        s = s.withLinux(s.linux().withCgroupsPath(cg));
        if (net) {
            s = s.withAnnotations(Map.of(NetworkRequest.TENANT, tenant));
        }
        SpecLoader.write(s, work.resolve("bundle/config.json"));
    }

    static void makeRootfs(Path dir) throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Files.copy(Path.of("/bin/busybox"), bin.resolve("busybox"));
        Files.copy(Path.of(System.getProperty("bench.tinyhttpd")), bin.resolve("tinyhttpd"));
        for (String a : List.of("sh", "true", "httpd")) {
            Files.createSymbolicLink(bin.resolve(a), Path.of("busybox"));
        }
        for (String d : List.of("proc", "dev", "sys", "tmp", "etc")) {
            Files.createDirectories(dir.resolve(d));
        }
        Files.createDirectories(dir.resolve("www"));
        Files.writeString(dir.resolve("www/index.html"), "hello from gantry\n".repeat(4));
    }
}
