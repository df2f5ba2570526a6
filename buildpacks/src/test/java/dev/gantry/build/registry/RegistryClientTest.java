package dev.gantry.build.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import dev.gantry.build.image.ImageStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pushes to Debian's docker-registry (the reference OCI distribution server) started on loopback, and reads the
 * result back with skopeo: a second, independent implementation of the protocol.
 */
class RegistryClientTest {

    @TempDir
    Path tmp;

    private TestRegistry registry;
    private int port;
    private ImageStore store;

    @BeforeEach
    void tools() throws IOException {
        assumeTrue(TestRegistry.available(), "SKIPPED: needs docker-registry and skopeo (apt-get install docker-registry skopeo)");
        store = new ImageStore(tmp.resolve("store"));
    }

    @AfterEach
    void stopRegistry() throws InterruptedException {
        if (registry != null) {
            registry.close();
        }
    }

    @Test
    void aPushedImageIsWhatSkopeoReadsBackAndASecondPushSendsNoBlobAgain() throws Exception {
        startRegistry(null);
        String digest = image(4096);
        RegistryReference ref = RegistryReference.parse("127.0.0.1:" + port + "/team/shop:v1");
        RegistryClient client = new RegistryClient();
        AtomicLong sent = new AtomicLong();
        assertEquals(digest, client.push(store, digest, ref, Credentials.none(), (d, s, t) -> sent.addAndGet(s)));
        assertEquals(digest, "sha256:" + sha256(skopeo("inspect", "--raw", "--tls-verify=false",
                "docker://127.0.0.1:" + port + "/team/shop:v1")));
        assertTrue(new String(skopeo("inspect", "--tls-verify=false", "docker://127.0.0.1:" + port + "/team/shop:v1"),
                java.nio.charset.StandardCharsets.UTF_8).contains("\"Digest\": \"" + digest + "\""));

        RegistryClient again = new RegistryClient();
        again.push(store, digest, ref, Credentials.none(), (d, s, t) -> { });
        // HEAD for the config and the layer, PUT of the manifest: nothing uploaded
        assertEquals(3, again.requests(), "a second push only asks and tags");
    }

    @Test
    void aChunkedUploadCutOffMidwayIsRecoveredWithoutStartingThePushOver() throws Exception {
        startRegistry(null);
        String digest = image(3 << 20);
        AtomicInteger cuts = new AtomicInteger();
        try (CuttingProxy proxy = new CuttingProxy(port, 1_500_000, cuts)) {
            RegistryReference ref = RegistryReference.parse("127.0.0.1:" + proxy.port() + "/team/big:v1");
            RegistryClient client = new RegistryClient(512 * 1024);
            assertEquals(digest, client.push(store, digest, ref, Credentials.none(), (d, s, t) -> { }));
        }
        assertEquals(1, cuts.get(), "the proxy cut the upload once");
        assertEquals(digest, "sha256:" + sha256(skopeo("inspect", "--raw", "--tls-verify=false",
                "docker://127.0.0.1:" + port + "/team/big:v1")));
    }

    @Test
    void aRegistryWithBasicAuthTakesTheRightLoginAndRefusesOthersClearly() throws Exception {
        Path htpasswd = tmp.resolve("htpasswd");
        Process p = new ProcessBuilder("htpasswd", "-Bbn", "gantry", "s3cret").redirectErrorStream(true).start();
        Files.write(htpasswd, p.getInputStream().readAllBytes());
        assumeTrue(p.waitFor() == 0, "SKIPPED: needs htpasswd (apache2-utils)");
        startRegistry(htpasswd);
        String digest = image(1024);
        RegistryReference ref = RegistryReference.parse("127.0.0.1:" + port + "/team/private:v1");
        RegistryException refused = assertThrows(RegistryException.class, () -> new RegistryClient()
                .push(store, digest, ref, Credentials.basic("gantry", "wrong"), (d, s, t) -> { }));
        assertEquals(401, refused.status());
        assertTrue(refused.getMessage().contains("127.0.0.1:" + port), refused.getMessage());
        assertEquals(digest, new RegistryClient().push(store, digest, ref, Credentials.basic("gantry", "s3cret"),
                (d, s, t) -> { }));
    }

    @Test
    void aRegistryWithTokenAuthIsPushedToWithABearerTokenFromItsRealm() throws Exception {
        try (TestTokenService tokens = TestTokenService.start(tmp.resolve("tokens"), "gantry", "s3cret")) {
            assumeTrue(tokens != null, "SKIPPED: needs openssl");
            registry = TestRegistry.startWithTokenAuth(tmp.resolve("registry"), tokens.realm(), TestTokenService.SERVICE,
                    TestTokenService.ISSUER, tokens.rootCert);
            port = registry.port();
            String digest = image(2048);
            RegistryReference ref = RegistryReference.parse("127.0.0.1:" + port + "/team/tokened:v1");
            RegistryException refused = assertThrows(RegistryException.class, () -> new RegistryClient()
                    .push(store, digest, ref, Credentials.basic("gantry", "wrong"), (d, s, t) -> { }));
            assertTrue(refused.getMessage().contains("token service"), refused.getMessage());
            assertTrue(tokens.refused.get() > 0, "the token service was asked, and refused");

            assertEquals(digest, new RegistryClient().push(store, digest, ref, Credentials.basic("gantry", "s3cret"),
                    (d, s, t) -> { }));
            assertTrue(tokens.tokensIssued.get() > 0, "the push went through with a token from the realm");
            // read back with a client of its own, with the same login
            byte[] raw = skopeo("inspect", "--raw", "--tls-verify=false", "--creds", "gantry:s3cret",
                    "docker://127.0.0.1:" + port + "/team/tokened:v1");
            assertEquals(digest, "sha256:" + sha256(raw));
        }
    }

    @Test
    void anUnreachableRegistryIsNamedInTheError() throws Exception {
        String digest = image(100);
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        RegistryReference ref = RegistryReference.parse("127.0.0.1:" + closed + "/team/shop:v1");
        RegistryException e = assertThrows(RegistryException.class,
                () -> new RegistryClient().push(store, digest, ref, Credentials.none(), (d, s, t) -> { }));
        assertEquals(0, e.status());
        assertTrue(e.getMessage().contains("127.0.0.1:" + closed), e.getMessage());
    }

    /** An image with one layer of {@code bytes} random bytes (random: incompressible, and unique per test). */
    private String image(int bytes) throws IOException {
        Path dir = tmp.resolve("app-" + bytes);
        Files.createDirectories(dir);
        byte[] data = new byte[bytes];
        new Random().nextBytes(data);
        Files.write(dir.resolve("data.bin"), data);
        return store.put(store.writeSlug(dir), List.of("PATH=/usr/bin:/bin"), "/app", Map.of("web", "true"), List.of("test"));
    }

    private void startRegistry(Path htpasswd) throws IOException, InterruptedException {
        registry = TestRegistry.start(tmp.resolve("registry"), htpasswd);
        port = registry.port();
    }

    private static byte[] skopeo(String... args) throws IOException, InterruptedException {
        return TestRegistry.skopeo(args);
    }

    private static String sha256(byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }

    /** A loopback TCP proxy to the registry that drops the connection once, after {@code cutAfter} bytes sent. */
    private static final class CuttingProxy implements AutoCloseable {
        private final ServerSocket server;
        private final AtomicBoolean cut = new AtomicBoolean();

        CuttingProxy(int target, long cutAfter, AtomicInteger cuts) throws IOException {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            AtomicLong total = new AtomicLong();
            Thread t = new Thread(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket client = server.accept();
                        Socket upstream = new Socket(InetAddress.getLoopbackAddress(), target);
                        pipe(upstream.getInputStream(), client.getOutputStream(), client, upstream, null);
                        pipe(client.getInputStream(), upstream.getOutputStream(), client, upstream, n -> {
                            if (total.addAndGet(n) > cutAfter && cut.compareAndSet(false, true)) {
                                cuts.incrementAndGet();
                                return true;
                            }
                            return false;
                        });
                    } catch (IOException e) {
                        return;
                    }
                }
            }, "cutting-proxy");
            t.setDaemon(true);
            t.start();
        }

        int port() {
            return server.getLocalPort();
        }

        private static void pipe(InputStream in, OutputStream out, Socket a, Socket b,
                                 java.util.function.IntPredicate cutNow) {
            Thread t = new Thread(() -> {
                byte[] buf = new byte[16 * 1024];
                try {
                    int n;
                    while ((n = in.read(buf)) > 0) {
                        if (cutNow != null && cutNow.test(n)) {
                            break;
                        }
                        out.write(buf, 0, n);
                    }
                } catch (IOException ignored) {
                    // either side closed
                }
                try {
                    a.close();
                    b.close();
                } catch (IOException ignored) {
                    // closing
                }
            });
            t.setDaemon(true);
            t.start();
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }

}
