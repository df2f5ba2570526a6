package dev.gantry.platform.keys;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Set;

import dev.gantry.platform.api.ApiException;

/**
 * A public key as {@code ~/.ssh/id_ed25519.pub} holds it: {@code <type> <base64 blob> [comment]}. Parsing checks
 * that the blob is well formed and names the same type, and computes the fingerprint the way
 * {@code ssh-keygen -l} shows it ({@code SHA256:…}).
 */
public record PublicKeyLine(String type, String base64, String comment, String fingerprint) {

    private static final Set<String> TYPES = Set.of("ssh-ed25519", "ssh-rsa", "ecdsa-sha2-nistp256",
            "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521", "sk-ssh-ed25519@openssh.com",
            "sk-ecdsa-sha2-nistp256@openssh.com");

    public static PublicKeyLine parse(String line) {
        if (line == null || line.isBlank()) {
            throw ApiException.invalid("Send your public key, e.g. {\"public_key\": \"ssh-ed25519 AAAA… you@laptop\"} "
                    + "(the contents of ~/.ssh/id_ed25519.pub).");
        }
        String[] parts = line.strip().split("\\s+", 3);
        if (parts.length < 2 || !TYPES.contains(parts[0])) {
            throw ApiException.invalid("This is not an OpenSSH public key line: it must start with a key type such as "
                    + "ssh-ed25519 or ssh-rsa. Use the .pub file, never the private key.");
        }
        byte[] blob;
        try {
            blob = Base64.getDecoder().decode(parts[1]);
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid("The key data after '" + parts[0] + "' is not valid base64.");
        }
        String blobType = typeInBlob(blob);
        if (!parts[0].equals(blobType)) {
            throw ApiException.invalid("The key says it is " + parts[0] + " but its data is "
                    + (blobType == null ? "not a key" : "a " + blobType + " key") + ".");
        }
        return new PublicKeyLine(parts[0], parts[1], parts.length > 2 ? parts[2] : "", fingerprint(blob));
    }

    /** The key without its comment, as stored and as an SSH server compares it. */
    public String canonical() {
        return type + " " + base64;
    }

    private static String typeInBlob(byte[] blob) {
        try (var in = new DataInputStream(new ByteArrayInputStream(blob))) {
            int length = in.readInt();
            if (length <= 0 || length > 64) {
                return null;
            }
            byte[] type = in.readNBytes(length);
            return type.length == length && in.available() > 0 ? new String(type, StandardCharsets.US_ASCII) : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static String fingerprint(byte[] blob) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(blob);
            return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
