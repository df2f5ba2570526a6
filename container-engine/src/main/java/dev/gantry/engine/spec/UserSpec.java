package dev.gantry.engine.spec;

import java.util.List;

/** {@code process.user}: numeric ids only (the engine never reads the image's /etc/passwd). */
public record UserSpec(Long uid, Long gid, Integer umask, List<Long> additionalGids) {

    public UserSpec {
        uid = uid == null ? 0L : uid;
        gid = gid == null ? 0L : gid;
        additionalGids = additionalGids == null ? List.of() : List.copyOf(additionalGids);
    }
}
