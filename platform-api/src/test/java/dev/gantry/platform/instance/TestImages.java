package dev.gantry.platform.instance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.gantry.engine.spec.RuntimeSpec;
import dev.gantry.engine.spec.SpecDefaults;
import dev.gantry.platform.FileTrees;
import dev.gantry.platform.api.ApiException;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;

/**
 * Images for the platform's tests, without a build: a busybox rootfs (from Debian's busybox-static) with process
 * types written here. {@code test:web} serves "$GREETING from $DYNO" with busybox httpd on $PORT;
 * {@code test:silent} never listens; {@code test:crash} exits at once; {@code test:hog} eats memory until the
 * kernel stops it. Other images are built ones, launched as in production. Everything else about the instance (user, namespaces, seccomp, cgroups) is the real thing.
 */
@Alternative
@Priority(1)
@ApplicationScoped
public class TestImages implements ImageLauncher {

    static final Path BUSYBOX = Path.of("/bin/busybox");

    private static final String SERVE = "mkdir -p /tmp/www && echo \"${GREETING:-hello} from $DYNO\" > /tmp/www/index.html"
            + " && echo ok > /tmp/www/health && echo \"booting $DYNO with GREETING=${GREETING:-hello}\""
            + " && exec httpd -f -p $PORT -h /tmp/www";

    private static final Map<String, Map<String, String>> IMAGES = Map.of(
            "test:web", Map.of("web", SERVE, "worker", "exec sleep 3600"),
            "test:silent", Map.of("web", "echo 'not listening'; exec sleep 3600"),
            "test:crash", Map.of("web", "echo 'crashing on purpose'; exit 3"),
            "test:hog", Map.of("web", SERVE, "hog", "x=aaaaaaaaaaaaaaaa; while true; do x=\"$x$x\"; done"));

    private Path rootfs;

    /** Images that are not test images are real ones: the same launcher as in production. */
    @jakarta.inject.Inject
    BuildpackImages real;

    public static boolean available() {
        return Files.isExecutable(BUSYBOX) && "root".equals(System.getProperty("user.name"));
    }

    @Override
    public synchronized RuntimeSpec spec(String image, String type, String command, Map<String, String> env,
                                         String hostname) {
        if (!image.startsWith("test:")) {
            return real.spec(image, type, command, env, hostname);
        }
        Map<String, String> types = IMAGES.get(image);
        if (types == null) {
            throw ApiException.invalid("no test image " + image);
        }
        String script = command != null ? command : types.get(type);
        if (script == null) {
            throw ApiException.invalid("image " + image + " has no process type " + type);
        }
        RuntimeSpec spec = SpecDefaults.app(List.of("/bin/sh", "-c", script), rootfs().toString(), hostname, 1024);
        List<String> envList = new TreeMap<>(env).entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
        List<String> all = new java.util.ArrayList<>(spec.process().env());
        all.addAll(envList);
        return spec.withProcess(new dev.gantry.engine.spec.ProcessSpec(spec.process().terminal(), spec.process().user(),
                spec.process().args(), all, "/", spec.process().capabilities(), spec.process().rlimits(),
                spec.process().noNewPrivileges(), spec.process().oomScoreAdj()));
    }

    private Path rootfs() {
        if (rootfs != null) {
            return rootfs;
        }
        try {
            Path dir = Files.createTempDirectory("gantry-test-image-");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    FileTrees.deleteTree(dir);
                } catch (IOException ignored) {
                    // a temp dir left behind is harmless
                }
            }));
            Path bin = Files.createDirectories(dir.resolve("bin"));
            Files.copy(BUSYBOX, bin.resolve("busybox"));
            for (String applet : List.of("sh", "httpd", "sleep", "echo", "mkdir", "cat", "wget", "env", "id")) {
                Files.createSymbolicLink(bin.resolve(applet), Path.of("busybox"));
            }
            for (String d : List.of("proc", "dev", "sys", "etc")) {
                Files.createDirectories(dir.resolve(d));
            }
            Files.setPosixFilePermissions(Files.createDirectories(dir.resolve("tmp")),
                    PosixFilePermissions.fromString("rwxrwxrwx"));
            Files.writeString(dir.resolve("etc/passwd"), "root:x:0:0:root:/:/bin/sh\napp:x:1000:1000:app:/:/bin/sh\n");
            Files.writeString(dir.resolve("etc/group"), "root:x:0:\napp:x:1000:\n");
            rootfs = dir;
            return dir;
        } catch (IOException e) {
            throw new IllegalStateException("cannot make the test image's rootfs", e);
        }
    }
}
