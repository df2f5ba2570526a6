package dev.gantry.build.image;

import dev.gantry.build.BuildErrorCode;
import dev.gantry.build.BuildException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** sha256 digests in OCI form ({@code sha256:<64 hex>}) and their validation. */
public final class Digests {

    private Digests() {
    }

    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String of(byte[] bytes) {
        return "sha256:" + HexFormat.of().formatHex(sha256().digest(bytes));
    }

    public static String of(Path file) {
        MessageDigest md = sha256();
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
        } catch (IOException e) {
            throw new BuildException(BuildErrorCode.IO, "read " + file + ": " + e.getMessage(), e);
        }
        return "sha256:" + HexFormat.of().formatHex(md.digest());
    }

    /** The hex part of a digest; refuses anything that is not {@code sha256:} + 64 lowercase hex digits. */
    public static String hex(String digest) {
        if (digest == null || !digest.matches("sha256:[0-9a-f]{64}")) {
            throw new BuildException(BuildErrorCode.INVALID, "not a sha256 digest: " + digest);
        }
        return digest.substring(7);
    }
}
