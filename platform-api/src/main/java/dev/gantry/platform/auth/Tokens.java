package dev.gantry.platform.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * API tokens: 256 random bits behind a recognisable prefix ({@code gantry_...}, so secret scanners and people
 * can tell what leaked). Only the SHA-256 of a token is stored: tokens are random, so no salt or slow hash is
 * needed, and a lookup by hash stays one index probe per request.
 */
public final class Tokens {

    public static final String PREFIX = "gantry_";
    /** A token chosen by an operator (GANTRY_ADMIN_TOKEN) must be at least this long. */
    public static final int MIN_CHOSEN_LENGTH = 20;

    private static final SecureRandom RANDOM = new SecureRandom();

    private Tokens() {
    }

    public static String generate() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    public static String hash(String token) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** The first characters of a token, stored so a person can tell their tokens apart in a list. */
    public static String hint(String token) {
        return token.substring(0, Math.min(token.length(), PREFIX.length() + 4)) + "…";
    }
}
