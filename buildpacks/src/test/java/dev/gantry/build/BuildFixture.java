package dev.gantry.build;

import dev.gantry.build.image.Image;
import dev.gantry.build.image.ImageStore;
import dev.gantry.build.launch.AppLauncher;
import dev.gantry.build.stack.HostStack;
import dev.gantry.engine.ContainerState;
import dev.gantry.engine.LinuxContainerRuntime;
import dev.gantry.engine.spec.NamespaceSpec;
import dev.gantry.engine.spec.RuntimeSpec;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Real builds in real containers. Everything made here is named {@code gantry-test-bp-*} (container ids,
 * cgroups, temp dirs) and removed by {@link #close()}, also after failures. The data dir (images, caches)
 * is {@code target/gantry-test-bp-data}: kept between runs so the Maven sample's cold download happens once
 * per {@code mvn clean}; each test class still starts from empty caches for its own app ids.
 */
final class BuildFixture implements AutoCloseable {

    static final Path REPO = findRepo();
    static final Path SAMPLES = REPO.resolve("docs/examples/apps");

    final Path work;
    final Path data;
    final LinuxContainerRuntime runtime;
    final HostStack stack;
    final Builder builder;
    final String cgroupParent = "gantry-test-bp-" + UUID.randomUUID().toString().substring(0, 8);
    private final List<String> containers = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger seq = new AtomicInteger();

    BuildFixture() throws IOException {
        assumeTrue("root".equals(System.getProperty("user.name")), "skipped: real builds need root (namespaces, mounts, cgroups)");
        work = Files.createTempDirectory("gantry-test-bp-");
        data = REPO.resolve("buildpacks/target/gantry-test-bp-data");
        Files.createDirectories(data);
        runtime = new LinuxContainerRuntime(work.resolve("state"));
        stack = new HostStack(data.resolve("stacks"));
        builder = new Builder(data, runtime, stack);
    }

    /** A unique app id (so caches start empty) unless a test passes its own. */
    String appId(String base) {
        return "t-" + base + "-" + UUID.randomUUID().toString().substring(0, 6);
    }

    BuildRequest request(String appId, Path source) {
        return BuildRequest.of(appId, source).withCgroupParent(cgroupParent).withHostNetwork(true);
    }

    record Built(BuildResult result, List<String> log) {
        String text() {
            return String.join("\n", log);
        }
    }

    Built build(BuildRequest req) {
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        try {
            BuildResult r = builder.build(req, line -> {
                log.add(line);
                System.out.println("[build " + req.appId() + "] " + line);
            });
            return new Built(r, log);
        } catch (RuntimeException e) {
            System.out.println("[build " + req.appId() + "] failed: " + e.getMessage());
            throw e;
        }
    }

    /** A running instance sharing the host's network namespace (tests only), on a free port. */
    record Instance(String id, int port) {
    }

    Instance start(String digest, String type, Map<String, String> extraEnv) throws IOException {
        Image image = builder.images().get(digest);
        int port = freePort();
        Map<String, String> env = new java.util.HashMap<>(extraEnv);
        env.put("PORT", Integer.toString(port));
        RuntimeSpec s = AppLauncher.spec(image, type, env, stack, 1024);
        List<NamespaceSpec> ns = s.linux().namespaces().stream().filter(n -> !n.type().equals("network")).toList();
        s = s.withLinux(s.linux().withNamespaces(ns).withCgroupsPath(cgroupParent + "/app" + seq.incrementAndGet()));
        String id = "gantry-test-bp-" + UUID.randomUUID().toString().substring(0, 8);
        Path bundle = AppLauncher.writeBundle(s, work.resolve("bundles").resolve(id));
        containers.add(id);
        runtime.create(id, bundle);
        runtime.start(id);
        return new Instance(id, port);
    }

    /** GET until the app answers (or 60 s pass, the platform's readiness limit). */
    HttpResponse<byte[]> get(Instance inst, String path, Map<String, String> headers) throws Exception {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + inst.port() + path))
                .timeout(Duration.ofSeconds(10));
        headers.forEach(b::header);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            try {
                return client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (IOException e) {
                ContainerState st = runtime.state(inst.id());
                if (System.nanoTime() > deadline || st.status() == dev.gantry.engine.ContainerStatus.STOPPED) {
                    throw new AssertionError("app " + inst.id() + " did not answer on port " + inst.port() + " (" + st.status()
                            + "); log:\n" + log(inst), e);
                }
                Thread.sleep(200);
            }
        }
    }

    String log(Instance inst) {
        try {
            return Files.readString(runtime.logFile(inst.id()));
        } catch (IOException | RuntimeException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    Path copySample(String name) throws IOException {
        Path dst = work.resolve("src-" + name + "-" + seq.incrementAndGet());
        copyTree(SAMPLES.resolve(name), dst);
        return dst;
    }

    static void copyTree(Path src, Path dst) throws IOException {
        try (var s = Files.walk(src)) {
            for (Path p : s.toList()) {
                Path d = dst.resolve(src.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(d);
                } else {
                    Files.copy(p, d);
                }
            }
        }
    }

    @Override
    public void close() {
        for (String id : List.copyOf(containers)) {
            try {
                runtime.delete(id, true);
            } catch (RuntimeException ignored) {
                // never created or already gone
            }
        }
        // build containers left by a failed test
        for (ContainerState st : runtime.list()) {
            try {
                runtime.delete(st.id(), true);
            } catch (RuntimeException ignored) {
                // gone
            }
        }
        for (String sub : List.of("", "/builds")) {
            try {
                runtime.cgroups().destroy(cgroupParent + sub);
            } catch (RuntimeException ignored) {
                // not created
            }
        }
        try {
            runtime.cgroups().destroy(cgroupParent);
        } catch (RuntimeException ignored) {
            // not created
        }
        ImageStore.deleteTree(work);
    }

    private static Path findRepo() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isDirectory(p.resolve("docs/examples/apps"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("docs/examples/apps not found above " + Path.of("").toAbsolutePath());
        }
        return p;
    }
}
