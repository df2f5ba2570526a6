package dev.gantry.build;

import dev.gantry.build.image.Image;
import dev.gantry.build.launch.AppLauncher;
import dev.gantry.build.stack.DebianStackBuilder;
import dev.gantry.build.stack.DirectoryStack;
import dev.gantry.engine.spec.NamespaceSpec;
import dev.gantry.engine.spec.RuntimeSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The Python sample built and run on a debootstrap stack instead of the host's. Making the stack downloads
 * ~100 MB and takes minutes, so the test runs only when one exists: {@code ./gantry stack build bookworm} with
 * {@code GANTRY_DATA_DIR=buildpacks/target/gantry-test-bp-data} (or the env var
 * {@code GANTRY_TEST_DEBIAN_STACK} naming a stack directory); otherwise it is skipped and says so.
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
    void pythonSampleOnADebianStack() throws Exception {
        String env = System.getenv("GANTRY_TEST_DEBIAN_STACK");
        DirectoryStack stack = env != null ? new DirectoryStack("bookworm", Path.of(env))
                : DebianStackBuilder.existing(f.data.resolve("stacks"), "bookworm");
        assumeTrue(stack != null, "skipped: no Debian stack; make one with GANTRY_DATA_DIR=buildpacks/target/gantry-test-bp-data"
                + " ./gantry stack build bookworm");
        Builder b = new Builder(f.data.resolve("debian"), f.runtime, stack);
        BuildResult r = b.build(BuildRequest.of(f.appId("deb"), f.copySample("python")).withCgroupParent(f.cgroupParent),
                line -> System.out.println("[debian] " + line));
        Image image = b.images().get(r.imageDigest());
        int port = BuildFixture.freePort();
        RuntimeSpec s = AppLauncher.spec(image, "web", Map.of("PORT", Integer.toString(port)), stack, 1024);
        List<NamespaceSpec> ns = s.linux().namespaces().stream().filter(n -> !n.type().equals("network")).toList();
        s = s.withLinux(s.linux().withNamespaces(ns).withCgroupsPath(f.cgroupParent + "/deb"));
        String id = "gantry-test-bp-" + UUID.randomUUID().toString().substring(0, 8);
        f.runtime.create(id, AppLauncher.writeBundle(s, f.work.resolve("bundle-deb")));
        try {
            f.runtime.start(id);
            HttpResponse<byte[]> resp = f.get(new BuildFixture.Instance(id, port), "/", Map.of());
            assertEquals(200, resp.statusCode());
            assertTrue(new String(resp.body(), StandardCharsets.UTF_8).startsWith("hello from python 3."));
        } finally {
            f.runtime.delete(id, true);
        }
    }
}
