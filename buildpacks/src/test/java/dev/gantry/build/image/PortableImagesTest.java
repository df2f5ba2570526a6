package dev.gantry.build.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.build.registry.Credentials;
import dev.gantry.build.registry.RegistryClient;
import dev.gantry.build.registry.RegistryReference;
import dev.gantry.build.registry.TestRegistry;
import dev.gantry.build.stack.DirectoryStack;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A portable image runs with nothing of Gantry around it: its layers unpacked in order and its entrypoint run in
 * a chroot (what any OCI runtime does, minus the isolation), on a tiny busybox stack.
 */
class PortableImagesTest {

    private static final Path BUSYBOX = Path.of("/bin/busybox");

    @TempDir
    Path tmp;

    @Test
    void theImageRunsItsProcessTypeThroughItsOwnEntrypointAndIsDeterministic() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")) && Files.isExecutable(BUSYBOX),
                "SKIPPED: needs root (chroot) and busybox-static");
        DirectoryStack stack = new DirectoryStack("tiny", tinyStack());
        ImageStore store = new ImageStore(tmp.resolve("store"));
        Path app = Files.createDirectories(tmp.resolve("app"));
        Files.writeString(app.resolve("msg"), "from the slug\n");
        Files.createDirectories(app.resolve(".profile.d"));
        Files.writeString(app.resolve(".profile.d/greeting.sh"), "export GREETING=hello\n");
        String appImage = store.put(store.writeSlug(app), List.of("PATH=/bin"), "/app",
                Map.of("web", "echo \"$GREETING on $PORT\"; cat /app/msg", "worker", "echo working"), List.of("test"));
        assertFalse(PortableImages.isPortable(store, appImage));

        String portable = PortableImages.export(store, appImage, stack);
        assertTrue(PortableImages.isPortable(store, portable));
        assertEquals(portable, PortableImages.export(store, appImage, stack), "the same input gives the same digest");
        JsonNode[] mc = store.manifestAndConfig(portable);
        assertEquals(3, mc[0].path("layers").size(), "stack, launcher, slug");
        assertEquals("1000:1000", mc[1].path("config").path("User").asText());

        Path rootfs = Files.createDirectories(tmp.resolve("rootfs"));
        for (JsonNode l : mc[0].path("layers")) {
            run(List.of("tar", "-xf", store.blob(l.path("digest").asText()).toString(), "-C", rootfs.toString()));
        }
        // what every runtime provides: /dev (the image leaves it out)
        Files.createDirectories(rootfs.resolve("dev"));
        run(List.of("mknod", "-m", "666", rootfs.resolve("dev/null").toString(), "c", "1", "3"));
        assertEquals("hello on 5000\nfrom the slug\n", run(List.of("/usr/sbin/chroot", rootfs.toString(), "/bin/env", "-i", "/gantry/launch", "web")));
        assertEquals("working\n", run(List.of("/usr/sbin/chroot", rootfs.toString(), "/bin/env", "-i", "PORT=8080", "/gantry/launch", "worker")));
        assertEquals("hello at /app\n", run(List.of("/usr/sbin/chroot", rootfs.toString(), "/bin/env", "-i", "/gantry/launch", "--run", "echo \"$GREETING at $(pwd)\"")),
                "--run: a one-off command with the app's environment, in /app");

        if (TestRegistry.available()) {
            try (TestRegistry registry = TestRegistry.start(tmp.resolve("registry"), null)) {
                String pushed = new RegistryClient().push(store, portable,
                        RegistryReference.parse(registry.address() + "/t/app:v1"), Credentials.none(), (d, s, t) -> { });
                assertEquals(portable, pushed);
                assertEquals(portable, registry.digestOf("t/app:v1"));
            }
        }
    }

    /** A stack of busybox applets: the launcher needs sh, sed, head, cut, tr, cat. */
    private Path tinyStack() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("stack"));
        Path bin = Files.createDirectories(root.resolve("bin"));
        Files.copy(BUSYBOX, bin.resolve("busybox"));
        for (String applet : List.of("sh", "sed", "head", "cut", "tr", "cat", "echo", "env")) {
            Files.createSymbolicLink(bin.resolve(applet), Path.of("busybox"));
        }
        Files.createDirectories(root.resolve("etc"));
        Files.writeString(root.resolve("etc/passwd"), "root:x:0:0::/root:/bin/sh\napp:x:1000:1000::/app:/bin/sh\n");
        Files.createDirectories(root.resolve("proc"));
        return root;
    }

    private static String run(List<String> cmd) throws Exception {
        Path err = Files.createTempFile("portable", ".err");
        Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), String.join(" ", cmd) + " timed out");
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + " failed: " + out + Files.readString(err));
        Files.delete(err);
        return out;
    }
}
