package dev.gantry.platform.keys;

import java.time.Instant;

/** A registered key as listed. */
public record SshKeyView(long id, String title, String fingerprint, String type, Instant createdAt) {

    static SshKeyView of(SshKey k) {
        return new SshKeyView(k.id, k.title, k.fingerprint, k.publicKey.substring(0, k.publicKey.indexOf(' ')),
                k.createdAt);
    }
}
