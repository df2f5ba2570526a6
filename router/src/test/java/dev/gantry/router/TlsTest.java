package dev.gantry.router;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.gantry.router.Fixture.app;
import static dev.gantry.router.Fixture.table;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** HTTPS with a generated certificate for the base domain, SNI for a second domain, and HTTP/2. */
class TlsTest {

    @TempDir
    Path state;
    Fixture fx;

    @BeforeEach
    void setUp() {
        fx = new Fixture(state);
    }

    @AfterEach
    void tearDown() {
        fx.close();
    }

    @Test
    void sniPicksTheCertificateAndHttp2Works() throws Exception {
        // A certificate for a custom domain, installed the way an operator would: a PEM pair in <state>/tls.
        Path tls = Files.createDirectories(state.resolve("tls"));
        dev.gantry.router.impl.TestCertificates.selfSigned(tls, "shop.example.com");
        int web = fx.echoOrigin("web");
        Router r = fx.router(fx.config().withPorts(0, 0, 0));
        r.update(table(1, app("web.acme", List.of("shop.example.com"), RouteOptions.DEFAULTS, web)));
        assertTrue(Files.exists(tls.resolve("localhost.cert.pem")), "base domain certificate generated");

        assertEquals("CN=localhost", serverCertificateSubject(r.httpsPort(), "web.acme.localhost"));
        assertEquals("CN=shop.example.com", serverCertificateSubject(r.httpsPort(), "shop.example.com"));

        List<String> out = curl("--http2", "-sk", "-o", "/dev/null", "-w", "%{http_version} %{http_code}",
                "--resolve", "shop.example.com:" + r.httpsPort() + ":127.0.0.1",
                "https://shop.example.com:" + r.httpsPort() + "/");
        assertEquals(List.of("2 200"), out);
        List<String> body = curl("--http2", "-sk", "--resolve", "shop.example.com:" + r.httpsPort() + ":127.0.0.1",
                "https://shop.example.com:" + r.httpsPort() + "/h2");
        String json = String.join("", body);
        assertTrue(json.contains("\"x-forwarded-proto\":\"https\""), json);
        assertTrue(json.contains("\"host\":\"shop.example.com:" + r.httpsPort() + "\""), json);
    }

    static String serverCertificateSubject(int port, String serverName) throws Exception {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, new TrustManager[]{new X509TrustManager() {
            public void checkClientTrusted(X509Certificate[] c, String a) { }
            public void checkServerTrusted(X509Certificate[] c, String a) { }
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, null);
        try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            SSLParameters p = s.getSSLParameters();
            p.setServerNames(List.of(new SNIHostName(serverName)));
            s.setSSLParameters(p);
            s.startHandshake();
            return ((X509Certificate) s.getSession().getPeerCertificates()[0]).getSubjectX500Principal().getName();
        }
    }

    static List<String> curl(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("curl", "--max-time", "20"));
        cmd.addAll(List.of(args));
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (java.io.IOException e) {
            assumeTrue(false, "curl is not installed: " + e.getMessage());
            throw e;
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "curl finished");
        assertEquals(0, p.exitValue(), "curl failed: " + out);
        return List.of(out);
    }

    @Test
    void appsCanRedirectPlainHttpToHttps() {
        int web = fx.echoOrigin("web");
        Router r = fx.router(fx.config().withPorts(0, 0, 0));
        r.update(table(1,
                app("secure.acme", List.of(), new RouteOptions(Balancer.ROUND_ROBIN, 0, null, true), web),
                app("plain.acme", web)));
        java.net.http.HttpResponse<String> redirect = fx.get(r, "secure.acme.localhost:" + r.httpPort(), "/a?b=c");
        assertEquals(308, redirect.statusCode());
        assertEquals("https://secure.acme.localhost:" + r.httpsPort() + "/a?b=c",
                redirect.headers().firstValue("Location").orElseThrow());
        assertEquals(200, fx.get(r, "secure.acme.localhost", "/.well-known/acme-challenge/token").statusCode(),
                "ACME http-01 challenges are not redirected");
        assertEquals(200, fx.get(r, "plain.acme.localhost", "/").statusCode(), "other apps are not redirected");
    }

    @Test
    void certificatesInstalledThroughTheAdminApiServeWithoutARestart() throws Exception {
        int web = fx.echoOrigin("web");
        Router r = fx.router(fx.config().withPorts(0, 0, 0));
        r.update(table(1, app("web.acme", List.of("api.example.org"), RouteOptions.DEFAULTS, web)));
        assertEquals("CN=localhost", serverCertificateSubject(r.httpsPort(), "api.example.org"),
                "without its own certificate the domain gets the default one");

        Path scratch = Files.createDirectories(state.resolve("scratch"));
        dev.gantry.router.impl.TestCertificates.selfSigned(scratch, "api.example.org");
        String body = new io.vertx.core.json.JsonObject()
                .put("cert", Files.readString(scratch.resolve("api.example.org.cert.pem")))
                .put("key", Files.readString(scratch.resolve("api.example.org.key.pem"))).encode();
        java.net.http.HttpResponse<String> put = fx.send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + r.adminPort() + "/v1/certificates/api.example.org"))
                .PUT(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build());
        assertEquals(200, put.statusCode(), put.body());
        assertEquals("CN=api.example.org", serverCertificateSubject(r.httpsPort(), "api.example.org"));
        assertEquals("CN=localhost", serverCertificateSubject(r.httpsPort(), "web.acme.localhost"));
        assertEquals(List.of("2 200"), curl("--http2", "-sk", "-o", "/dev/null", "-w", "%{http_version} %{http_code}",
                "--resolve", "api.example.org:" + r.httpsPort() + ":127.0.0.1",
                "https://api.example.org:" + r.httpsPort() + "/"), "HTTP/2 still offered after the reload");

        String list = fx.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + r.adminPort() + "/v1/certificates")).build()).body();
        assertEquals("{\"certificates\":[\"api.example.org\",\"localhost\"]}", list);

        // A key that does not parse is refused and leaves the served certificates as they were.
        String broken = new io.vertx.core.json.JsonObject()
                .put("cert", Files.readString(scratch.resolve("api.example.org.cert.pem")))
                .put("key", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n").encode();
        java.net.http.HttpResponse<String> bad = fx.send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + r.adminPort() + "/v1/certificates/other.example.org"))
                .PUT(java.net.http.HttpRequest.BodyPublishers.ofString(broken)).build());
        assertEquals(400, bad.statusCode(), bad.body());
        assertTrue(!Files.exists(state.resolve("tls/other.example.org.cert.pem")), "rejected pair removed");
        assertEquals("CN=api.example.org", serverCertificateSubject(r.httpsPort(), "api.example.org"));
    }
}
