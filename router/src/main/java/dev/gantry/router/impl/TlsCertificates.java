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

    private static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile(
            "(\\*\\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*");

    static List<String> names(Path tlsDir) {
        List<String> names = new ArrayList<>();
        if (Files.isDirectory(tlsDir)) {
            try (DirectoryStream<Path> certs = Files.newDirectoryStream(tlsDir, "*.cert.pem")) {
                for (Path cert : certs) {
                    names.add(cert.getFileName().toString().replace(".cert.pem", "").replace("_wildcard.", "*."));
                }
            } catch (IOException e) {
                throw new RouterException(RouterException.Code.STATE_IO, "cannot list " + tlsDir, e);
            }
        }
        java.util.Collections.sort(names);
        return names;
    }

    /** The previous content of a pair, to put back if the new one is rejected. */
    interface Backup {
        void restore();
    }

    /** Writes a pair atomically (temp + rename), key first, and returns how to undo it. */
    static Backup write(Path tlsDir, String name, String certPem, String keyPem) {
        if (name == null || !NAME.matcher(name).matches() || name.length() > 253) {
            throw new RouterException(RouterException.Code.INVALID_TABLE, "not a hostname: " + name);
        }
        if (certPem == null || !certPem.contains("-----BEGIN CERTIFICATE-----")
                || keyPem == null || !keyPem.contains("PRIVATE KEY-----")) {
            throw new RouterException(RouterException.Code.INVALID_TABLE,
                    "\"cert\" must hold PEM certificates and \"key\" a PEM private key");
        }
        String stem = name.replace("*.", "_wildcard.");
        Path cert = tlsDir.resolve(stem + ".cert.pem");
        Path key = tlsDir.resolve(stem + ".key.pem");
        try {
            Files.createDirectories(tlsDir);
            String oldCert = Files.exists(cert) ? Files.readString(cert) : null;
            String oldKey = Files.exists(key) ? Files.readString(key) : null;
            replace(key, keyPem);
            replace(cert, certPem);
            return () -> {
                try {
                    if (oldCert == null) {
                        Files.deleteIfExists(cert);
                        Files.deleteIfExists(key);
                    } else {
                        replace(key, oldKey);
                        replace(cert, oldCert);
                    }
                } catch (IOException e) {
                    LOG.warning("could not restore certificate " + name + ": " + e);
                }
            };
        } catch (IOException e) {
            throw new RouterException(RouterException.Code.STATE_IO, "cannot write certificate " + name, e);
        }
    }

    private static void replace(Path target, String content) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        Files.writeString(tmp, content);
        Files.move(tmp, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
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
