package dev.gantry.router.impl;

import java.nio.file.Path;

/** Lets tests in other packages make certificates the way the router does. */
public final class TestCertificates {

    private TestCertificates() {
    }

    public static void selfSigned(Path dir, String name) {
        TlsCertificates.generateSelfSigned(dir, name);
    }
}
