package dev.gantry.build;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The static sample: detection, the static server's headers, and identical digests for identical trees. */
class StaticBuildTest {

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
    void staticSiteIsServedWithTypesGzipCachingAnd404() throws Exception {
        BuildFixture.Built b = f.build(f.request(f.appId("static"), f.copySample("static")).withHostNetwork(false));
        assertTrue(b.text().contains("static: yes"), b.text());
        assertTrue(b.text().contains("nodejs: no (no package.json)"), b.text());
        assertEquals("node .gantry/static-server.js", b.result().processTypes().get("web"));
        BuildFixture.Instance app = f.start(b.result().imageDigest(), "web", Map.of());

        HttpResponse<byte[]> index = f.get(app, "/", Map.of());
        assertEquals(200, index.statusCode());
        assertTrue(new String(index.body(), StandardCharsets.UTF_8).contains("hello from a static site"));
        assertEquals("text/html; charset=utf-8", index.headers().firstValue("content-type").orElse(""));
        assertEquals("public, max-age=0, must-revalidate", index.headers().firstValue("cache-control").orElse(""));

        HttpResponse<byte[]> css = f.get(app, "/css/site.css", Map.of("Accept-Encoding", "gzip"));
        assertEquals(200, css.statusCode());
        assertEquals("text/css; charset=utf-8", css.headers().firstValue("content-type").orElse(""));
        assertEquals("gzip", css.headers().firstValue("content-encoding").orElse(""));
        assertEquals("public, max-age=3600", css.headers().firstValue("cache-control").orElse(""));
        byte[] plain = new GZIPInputStream(new ByteArrayInputStream(css.body())).readAllBytes();
        assertArrayEquals(java.nio.file.Files.readAllBytes(BuildFixture.SAMPLES.resolve("static/public/css/site.css")), plain);
        String etag = css.headers().firstValue("etag").orElseThrow();

        HttpResponse<byte[]> again = f.get(app, "/css/site.css", Map.of("If-None-Match", etag));
        assertEquals(304, again.statusCode());

        HttpResponse<byte[]> missing = f.get(app, "/nope", Map.of());
        assertEquals(404, missing.statusCode());
        assertTrue(new String(missing.body(), StandardCharsets.UTF_8).contains("custom 404"));

        HttpResponse<byte[]> traversal = f.get(app, "/../../../../etc/passwd", Map.of());
        assertEquals(404, traversal.statusCode());
    }

    @Test
    void sameTreeGivesSameDigest() throws Exception {
        String app = f.appId("digest");
        BuildFixture.Built one = f.build(f.request(app, f.copySample("static")).withHostNetwork(false));
        BuildFixture.Built two = f.build(f.request(app, f.copySample("static")).withHostNetwork(false));
        assertEquals(one.result().imageDigest(), two.result().imageDigest());
        BuildFixture.Built procfile1 = f.build(f.request(f.appId("pf"), f.copySample("procfile")).withHostNetwork(false));
        BuildFixture.Built procfile2 = f.build(f.request(f.appId("pf"), f.copySample("procfile")).withHostNetwork(false));
        assertEquals(procfile1.result().imageDigest(), procfile2.result().imageDigest());
    }
}
