package dev.gantry.platform.config;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;

import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import dev.gantry.platform.GantryConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Seals config var values with AES-256-GCM before they reach the database. The key is kept outside it: in
 * {@code GANTRY_CONFIG_KEY} (base64, for operators with a secret store) or else in {@code <data-dir>/config.key}
 * (mode 0600, created on first use). Each value is bound to its app and name as associated data, so a sealed
 * value copied onto another app or variable does not open.
 *
 * <p>Sealed layout: one version byte, a 12-byte random nonce, then the ciphertext with its 16-byte tag.
 */
@ApplicationScoped
public class ConfigCipher {

    private static final byte VERSION = 1;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKey key;

    @Inject
    public ConfigCipher(GantryConfig config) {
        this.key = new SecretKeySpec(config.configKey().map(ConfigCipher::decodeKey)
                .orElseGet(() -> loadOrCreateKey(config.dataDir().resolve("config.key"))), "AES");
    }

    public byte[] seal(long appId, String name, String value) {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(associatedData(appId, name));
            byte[] sealed = cipher.doFinal(value.getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.allocate(1 + NONCE_BYTES + sealed.length).put(VERSION).put(nonce).put(sealed).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is part of every JDK", e);
        }
    }

    public String open(long appId, String name, byte[] sealed) {
        if (sealed.length < 1 + NONCE_BYTES || sealed[0] != VERSION) {
            throw new ConfigKeyException("config var " + name + " is stored in a format this Gantry does not know");
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed, 1, NONCE_BYTES));
            cipher.updateAAD(associatedData(appId, name));
            byte[] plain = cipher.doFinal(sealed, 1 + NONCE_BYTES, sealed.length - 1 - NONCE_BYTES);
            return new String(plain, StandardCharsets.UTF_8);
        } catch (javax.crypto.AEADBadTagException e) {
            throw new ConfigKeyException("config var " + name + " cannot be decrypted: the config key is not the one "
                    + "it was sealed with (was config.key or GANTRY_CONFIG_KEY changed?)");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is part of every JDK", e);
        }
    }

    private static byte[] associatedData(long appId, String name) {
        return ("gantry-config:" + appId + ":" + name).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] decodeKey(String base64) {
        byte[] key;
        try {
            key = Base64.getDecoder().decode(base64.strip());
        } catch (IllegalArgumentException e) {
            throw new ConfigKeyException("GANTRY_CONFIG_KEY is not base64");
        }
        if (key.length != 32) {
            throw new ConfigKeyException("GANTRY_CONFIG_KEY must be 32 bytes (base64 of 32 random bytes), not " + key.length);
        }
        return key;
    }

    private static byte[] loadOrCreateKey(Path file) {
        try {
            if (Files.exists(file)) {
                return decodeKey(Files.readString(file));
            }
            byte[] key = new byte[32];
            RANDOM.nextBytes(key);
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, Base64.getEncoder().encodeToString(key) + "\n");
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            return key;
        } catch (IOException e) {
            throw new ConfigKeyException("cannot read or create the config key " + file + ": " + e.getMessage());
        }
    }
}
