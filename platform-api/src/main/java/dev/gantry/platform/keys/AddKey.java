package dev.gantry.platform.keys;

/** The body of {@code POST /api/keys}; the title defaults to the key's comment. */
public record AddKey(String publicKey, String title) {
}
