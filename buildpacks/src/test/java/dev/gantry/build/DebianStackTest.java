package dev.gantry.build;

import dev.gantry.build.image.Image;
import dev.gantry.build.image.PortableImages;
import dev.gantry.build.launch.AppLauncher;
import dev.gantry.build.stack.DirectoryStack;
import dev.gantry.engine.LinuxContainerRuntime;
import dev.gantry.engine.spec.NamespaceSpec;
import dev.gantry.engine.spec.RuntimeSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The Node.js sample built and run on a debootstrap stack instead of the host's. Its image is portable (the stack
 * is its lowest layer, Gantry's launcher its entrypoint) and the engine runs exactly that image. Making the stack
 * downloads ~150 MB and takes minutes, so the test runs only when one with Node.js exists: the one `.ci/run` keeps in
 * /var/cache/gantry/stack-data, or {@code GANTRY_TEST_DEBIAN_STACK} naming a stack directory; otherwise it is
 * skipped and says so.
 */
class DebianStackTest {

    private BuildFixture f;

    @BeforeEach
    void setUp() throws Exception {
        f = new BuildFixture();
    }

    @AfterEach
    void tearDown() {
        if (f != null) {
            f.close();
        }
    }

    @Test
    void nodeSampleOnADebianStackRunsAsItsPortableImage() throws Exception {
        Path dir = Path.of(System.getenv().getOrDefault("GANTRY_TEST_DEBIAN_STACK",
                "/var/cache/gantry/stack-data/stacks/bookworm"));
        assumeTrue(Files.isExecutable(dir.resolve("usr/bin/node")), "skipped: no Debian stack with Node.js in " + dir
                + "; make one with GANTRY_DATA_DIR=/var/cache/gantry/stack-data ./gantry stack build bookworm"
                + " --packages bash,ca-certificates,nodejs,npm");
        DirectoryStack stack = new DirectoryStack("bookworm", dir);
        Builder b = new Builder(f.data.resolve("debian"), f.runtime, stack);
        BuildResult r = b.build(f.request(f.appId("deb"), f.copySample("node")), line -> System.out.println("[debian] " + line));
        Image image = b.images().get(r.imageDigest());
        assertTrue(image.portable(), "built on a Debian stack, the release image is the portable one");
        assertTrue(PortableImages.isPortable(b.images(), r.imageDigest()));
        int port = BuildFixture.freePort();
        RuntimeSpec s = AppLauncher.spec(image, "web", Map.of("PORT", Integer.toString(port)), stack, 1024);
        assertEquals(List.of("/gantry/launch", "web"), s.process().args(), "the image's own launcher runs it");
        assertFalse(s.annotations().get(LinuxContainerRuntime.LAYERS_ANNOTATION).contains(dir.toString()),
                "the rootfs is the image's layers alone, not the stack directory");
        List<NamespaceSpec> ns = s.linux().namespaces().stream().filter(n -> !n.type().equals("network")).toList();
        s = s.withLinux(s.linux().withNamespaces(ns).withCgroupsPath(f.cgroupParent + "/deb"));
        String id = "gantry-test-bp-" + UUID.randomUUID().toString().substring(0, 8);
        f.runtime.create(id, AppLauncher.writeBundle(s, f.work.resolve("bundle-deb")));
        try {
            f.runtime.start(id);
            HttpResponse<byte[]> resp = f.get(new BuildFixture.Instance(id, port), "/", Map.of());
            assertEquals(200, resp.statusCode());
            assertTrue(new String(resp.body(), StandardCharsets.UTF_8).startsWith("hello from node"));
        } finally {
            f.runtime.delete(id, true);
        }
    }
}
