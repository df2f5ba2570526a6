package dev.gantry.build.registry;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A token service as registries with token auth expect one (Docker Hub's scheme, docker distribution's
 * {@code auth: token}): {@code GET /token?service=…&scope=…} with Basic credentials answers a JWT, signed RS256 with
 * a key whose self-signed certificate (made by openssl, in the JWT's {@code x5c}) is the registry's root. It grants
 * what the scope asks to one user and password, and refuses anyone else with 401.
 */
final class TestTokenService implements AutoCloseable {

    static final String ISSUER = "gantry-test-issuer";
    static final String SERVICE = "gantry-test-registry";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final PrivateKey key;
    private final String certificate;
    private final String user;
    private final String password;
    final AtomicInteger tokensIssued = new AtomicInteger();
    final AtomicInteger refused = new AtomicInteger();
    final Path rootCert;

    /** Makes the key and certificate in {@code dir} with openssl; null if openssl is missing. */
    static TestTokenService start(Path dir, String user, String password) throws Exception {
        Files.createDirectories(dir);
        Path keyFile = dir.resolve("key.pem");
        Path certFile = dir.resolve("cert.pem");
        Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                "-subj", "/CN=gantry-test-token-issuer", "-keyout", keyFile.toString(), "-out", certFile.toString())
                .redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        if (p.waitFor() != 0) {
            return null;
        }
        return new TestTokenService(keyFile, certFile, user, password);
    }

    private TestTokenService(Path keyFile, Path certFile, String user, String password) throws Exception {
        this.key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pemBody(keyFile)));
        this.certificate = Base64.getEncoder().encodeToString(pemBody(certFile));
        this.rootCert = certFile;
        this.user = user;
        this.password = password;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/token", this::token);
        server.start();
    }

    String realm() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/token";
    }

    private void token(HttpExchange x) throws IOException {
        String auth = x.getRequestHeaders().getFirst("Authorization");
        String expected = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password)
                .getBytes(StandardCharsets.UTF_8));
        if (!expected.equals(auth)) {
            refused.incrementAndGet();
            x.sendResponseHeaders(401, -1);
            x.close();
            return;
        }
        Map<String, List<String>> query = new HashMap<>();
        String raw = x.getRequestURI().getRawQuery();
        for (String kv : raw == null ? new String[0] : raw.split("&")) {
            int eq = kv.indexOf('=');
            query.computeIfAbsent(URLDecoder.decode(kv.substring(0, eq), StandardCharsets.UTF_8), k -> new ArrayList<>())
                    .add(URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
        }
        List<Map<String, Object>> access = new ArrayList<>();
        for (String scope : query.getOrDefault("scope", List.of())) {
            for (String one : scope.split(" ")) {
                String[] f = one.split(":"); // repository:team/app:pull,push
                access.add(Map.of("type", f[0], "name", f[1], "actions", List.of(f[2].split(","))));
            }
        }
        long now = System.currentTimeMillis() / 1000;
        Map<String, Object> claims = Map.of("iss", ISSUER, "sub", user, "aud", SERVICE, "iat", now, "nbf", now - 30,
                "exp", now + 300, "jti", UUID.randomUUID().toString(), "access", access);
        byte[] body = JSON.writeValueAsBytes(Map.of("token", jwt(claims), "expires_in", 300));
        tokensIssued.incrementAndGet();
        x.getResponseHeaders().set("Content-Type", "application/json");
        x.sendResponseHeaders(200, body.length);
        x.getResponseBody().write(body);
        x.close();
    }

    private String jwt(Map<String, Object> claims) throws IOException {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String header = b64.encodeToString(JSON.writeValueAsBytes(Map.of("typ", "JWT", "alg", "RS256",
                "x5c", List.of(certificate))));
        String payload = b64.encodeToString(JSON.writeValueAsBytes(claims));
        try {
            Signature s = Signature.getInstance("SHA256withRSA");
            s.initSign(key);
            s.update((header + "." + payload).getBytes(StandardCharsets.US_ASCII));
            return header + "." + payload + "." + b64.encodeToString(s.sign());
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException(e);
        }
    }

    private static byte[] pemBody(Path pem) throws IOException {
        String text = Files.readString(pem);
        String body = text.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return Base64.getDecoder().decode(body);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
