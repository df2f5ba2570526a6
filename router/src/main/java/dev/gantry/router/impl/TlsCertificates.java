package dev.gantry.router.impl;

import dev.gantry.router.RouterException;
import io.vertx.core.net.PemKeyCertOptions;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * The certificates the HTTPS listener serves, as PEM pairs in {@code <state>/tls}:
 * {@code <name>.cert.pem} + {@code <name>.key.pem}. The listener has SNI on, so each client gets the
 * pair whose names match the hostname it asked for. A self-signed pair for the base domain is made on
 * first start (with the JDK's keytool, which every JDK has, rather than a crypto library dependency);
 * custom domains get theirs by dropping pairs into the directory (an admin endpoint is future work).
 */
final class TlsCertificates {

    private static final Logger LOG = Logger.getLogger(TlsCertificates.class.getName());

    private TlsCertificates() {
    }

    static PemKeyCertOptions load(Path tlsDir, String baseDomain) {
        try {
            Files.createDirectories(tlsDir);
            if (!Files.exists(tlsDir.resolve(baseDomain + ".cert.pem"))) {
                generateSelfSigned(tlsDir, baseDomain);
            }
            PemKeyCertOptions pem = new PemKeyCertOptions();
            List<String> names = new ArrayList<>();
            try (DirectoryStream<Path> certs = Files.newDirectoryStream(tlsDir, "*.cert.pem")) {
                for (Path cert : certs) {
                    String name = cert.getFileName().toString().replace(".cert.pem", "");
                    Path key = tlsDir.resolve(name + ".key.pem");
                    if (Files.exists(key)) {
                        pem.addCertPath(cert.toString()).addKeyPath(key.toString());
                        names.add(name);
                    }
                }
            }
            LOG.info("TLS certificates: " + names);
            return pem;
        } catch (IOException e) {
            throw new RouterException(RouterException.Code.START_FAILED, "cannot prepare TLS certificates in "
                    + tlsDir, e);
        }
    }

    /** A self-signed certificate for {@code name} and {@code *.name}, valid ten years. */
    static void generateSelfSigned(Path dir, String name) {
        Path p12 = dir.resolve(name + ".tmp.p12");
        char[] password = "gantry-temporary".toCharArray();
        try {
            Files.deleteIfExists(p12);
            Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
            Process proc = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "router",
                    "-keyalg", "EC", "-groupname", "secp256r1", "-sigalg", "SHA256withECDSA",
                    "-dname", "CN=" + name, "-ext", "SAN=dns:" + name + ",dns:*." + name,
                    "-validity", "3650", "-keystore", p12.toString(), "-storetype", "PKCS12",
                    "-storepass", new String(password), "-keypass", new String(password))
                    .redirectErrorStream(true).start();
            String out = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!proc.waitFor(60, TimeUnit.SECONDS) || proc.exitValue() != 0) {
                throw new RouterException(RouterException.Code.START_FAILED, "keytool failed: " + out);
            }
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(p12)) {
                ks.load(in, password);
            }
            Key key = ks.getKey("router", password);
            Certificate cert = ks.getCertificate("router");
            // Key first, certificate last: the certificate's presence marks a complete pair.
            Files.writeString(dir.resolve(name + ".key.pem"), pem("PRIVATE KEY", key.getEncoded()));
            Files.writeString(dir.resolve(name + ".cert.pem"), pem("CERTIFICATE", cert.getEncoded()));
            LOG.info("generated a self-signed certificate for " + name + " and *." + name);
        } catch (IOException | GeneralSecurityException e) {
            throw new RouterException(RouterException.Code.START_FAILED, "cannot generate a certificate for " + name, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RouterException(RouterException.Code.START_FAILED, "interrupted generating a certificate", e);
        } finally {
            try {
                Files.deleteIfExists(p12);
            } catch (IOException ignored) {
                // a leftover temp keystore is harmless
            }
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
