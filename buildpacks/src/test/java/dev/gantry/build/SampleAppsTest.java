package dev.gantry.build;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sample apps of docs/examples/apps, each built into an image, started with the engine and asked over
 * HTTP on its $PORT. The Node test also builds a second time with no network at all (the build container
 * gets an isolated network namespace with only loopback): it can only succeed from the cache.
 */
class SampleAppsTest {

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

    private String body(HttpResponse<byte[]> r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    @Test
    void nodeAppWithAnNpmDependencyAndAWarmSecondBuildWithoutNetwork() throws Exception {
        String app = f.appId("node");
        BuildFixture.Built cold = f.build(f.request(app, f.copySample("node")));
        assertTrue(cold.text().contains("-----> Node.js app detected"), cold.text());
        assertTrue(cold.text().contains("npm ci"), cold.text());
        assertTrue(cold.text().contains("Running npm run build"), cold.text());
        assertEquals("npm start", cold.result().processTypes().get("web"));
        assertEquals(List.of("Node.js"), cold.result().buildpacks());

        BuildFixture.Instance inst = f.start(cold.result().imageDigest(), "web", Map.of());
        HttpResponse<byte[]> r = f.get(inst, "/", Map.of());
        assertEquals(200, r.statusCode());
        assertEquals("hello from node: 2m (built by npm run build)\n", body(r));

        // Second build: no network namespace shared with the host, so any registry fetch would fail.
        BuildFixture.Built warm = f.build(f.request(app, f.copySample("node")).withHostNetwork(false));
        assertTrue(cold.log().stream().anyMatch(l -> l.contains("npm http fetch GET 200")), "cold build fetches:\n" + cold.text());
        List<String> fetched = warm.log().stream().filter(l -> l.contains("http fetch")).toList();
        assertTrue(fetched.isEmpty(), "warm build fetched from the network: " + fetched);
        assertTrue(warm.log().stream().anyMatch(l -> l.contains("npm http cache") && l.contains("(cache hit)")),
                "npm should report cache hits:\n" + warm.text());
        System.out.printf("node build: cold %d ms, warm (cache hit, no network) %d ms%n",
                cold.result().duration().toMillis(), warm.result().duration().toMillis());
        assertEquals(cold.result().imageDigest(), warm.result().imageDigest(), "same tree, same digest");
    }

    @Test
    void mavenAppRunsTheBuiltJar() throws Exception {
        // A fixed app id: the Maven cache (~10 MB of plugins) survives between test runs until mvn clean.
        BuildFixture.Built b = f.build(f.request("gantry-test-bp-maven", f.copySample("maven")));
        assertTrue(b.text().contains("-----> Java app detected"), b.text());
        assertTrue(b.result().processTypes().get("web").contains("-jar target/app.jar"));
        BuildFixture.Instance inst = f.start(b.result().imageDigest(), "web", Map.of());
        HttpResponse<byte[]> r = f.get(inst, "/", Map.of());
        assertEquals(200, r.statusCode());
        assertTrue(body(r).startsWith("hello from maven on java "), body(r));

        // Warm: no network namespace shared with the host, nothing downloaded.
        BuildFixture.Built warm = f.build(f.request("gantry-test-bp-maven", f.copySample("maven")).withHostNetwork(false));
        List<String> downloads = warm.log().stream().filter(l -> l.contains("Downloading from")).toList();
        assertTrue(downloads.isEmpty(), "warm Maven build downloaded: " + downloads);
        System.out.printf("maven build: first %d ms, warm (no network) %d ms%n",
                b.result().duration().toMillis(), warm.result().duration().toMillis());
    }

    @Test
    void pythonAppRunsInItsVirtualenv() throws Exception {
        BuildFixture.Built b = f.build(f.request(f.appId("python"), f.copySample("python")).withHostNetwork(false));
        assertTrue(b.text().contains("-----> Python app detected"), b.text());
        assertEquals("python app.py", b.result().processTypes().get("web"));
        BuildFixture.Instance inst = f.start(b.result().imageDigest(), "web", Map.of());
        HttpResponse<byte[]> r = f.get(inst, "/", Map.of());
        assertEquals(200, r.statusCode());
        assertTrue(body(r).matches("hello from python 3\\.\\d+ \\(venv /app/\\.venv\\)\n"), body(r));
    }

    @Test
    void procfileOnlyApp() throws Exception {
        BuildFixture.Built b = f.build(f.request(f.appId("procfile"), f.copySample("procfile")).withHostNetwork(false));
        assertTrue(b.text().contains("procfile: yes"), b.text());
        BuildFixture.Instance inst = f.start(b.result().imageDigest(), "web", Map.of());
        HttpResponse<byte[]> r = f.get(inst, "/", Map.of());
        assertEquals(200, r.statusCode());
        assertEquals("hello from a Procfile app\n", body(r));
    }
}
