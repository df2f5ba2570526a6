package dev.gantry.build.registry;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's docker-registry (the reference OCI distribution server) on a free loopback port, storing in
 * {@code dir}, optionally behind htpasswd basic auth or token auth; stopped by its own PID. Plus skopeo, to read back what was
 * pushed with a second, independent client.
 */
public final class TestRegistry implements AutoCloseable {

    private final Process process;
    private final int port;

    private TestRegistry(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Whether docker-registry and skopeo are installed (apt-get install docker-registry skopeo). */
    public static boolean available() {
        return Files.isExecutable(Path.of("/usr/bin/docker-registry")) && Files.isExecutable(Path.of("/usr/bin/skopeo"));
    }

    public static TestRegistry start(Path dir, Path htpasswd) throws IOException, InterruptedException {
        return startWithAuth(dir, htpasswd == null ? "" : "auth:\n  htpasswd:\n    realm: gantry-test\n    path: " + htpasswd + "\n");
    }

    /**
     * A registry that takes Bearer tokens only: from {@code realm}, for {@code service}, signed by {@code issuer}
     * with the key of the certificate {@code rootCert} (see docker distribution's token auth).
     */
    public static TestRegistry startWithTokenAuth(Path dir, String realm, String service, String issuer, Path rootCert)
            throws IOException, InterruptedException {
        return startWithAuth(dir, "auth:\n  token:\n    realm: " + realm + "\n    service: " + service + "\n    issuer: "
                + issuer + "\n    rootcertbundle: " + rootCert + "\n");
    }

    private static TestRegistry startWithAuth(Path dir, String auth) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        String config = "version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n    rootdirectory: "
                + dir.resolve("data") + "\nhttp:\n  addr: 127.0.0.1:" + port + "\n" + auth;
        Path file = dir.resolve("registry.yml");
        Files.writeString(file, config);
        Process p = new ProcessBuilder("docker-registry", "serve", file.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("registry.log").toFile()).start();
        for (int i = 0; i < 100; i++) {
            try (Socket ignored = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return new TestRegistry(p, port);
            } catch (IOException e) {
                Thread.sleep(100);
            }
        }
        p.destroyForcibly();
        throw new IllegalStateException("docker-registry did not start: " + Files.readString(dir.resolve("registry.log")));
    }

    public int port() {
        return port;
    }

    public String address() {
        return "127.0.0.1:" + port;
    }

    /** skopeo's output for {@code args}; fails the test if skopeo fails. */
    public static byte[] skopeo(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("skopeo"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError("skopeo " + String.join(" ", args) + " failed");
        }
        return out;
    }

    /** The manifest digest skopeo reads for {@code repository:tag} in this registry. */
    public String digestOf(String repositoryAndTag) throws Exception {
        byte[] raw = skopeo("inspect", "--raw", "--tls-verify=false", "docker://" + address() + "/" + repositoryAndTag);
        return "sha256:" + java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(raw));
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
