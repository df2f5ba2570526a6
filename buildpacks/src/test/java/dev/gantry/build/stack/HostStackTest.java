package dev.gantry.build.stack;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The host stack's skeleton holds no secrets and is content-addressed. */
class HostStackTest {

    @TempDir
    Path tmp;

    @Test
    void skeletonHasOnlyAllowListedEtcAndAGeneratedPasswd() throws Exception {
        HostStack s = new HostStack(tmp);
        Path etc = s.rootfs().resolve("etc");
        assertFalse(Files.exists(etc.resolve("shadow")));
        assertFalse(Files.exists(etc.resolve("gshadow")));
        assertFalse(Files.exists(etc.resolve("ssh")));
        assertFalse(Files.exists(etc.resolve("ssl/private")));
        assertFalse(Files.exists(s.rootfs().resolve("root")));
        assertTrue(Files.readString(etc.resolve("passwd")).contains("app:x:1000:1000::/app".replace("::", ":app:")));
        assertEquals(3, Files.readAllLines(etc.resolve("passwd")).size());
        assertTrue(s.mounts().stream().anyMatch(m -> m.destination().equals("/usr") && m.options().contains("ro")));
        assertTrue(s.mounts().stream().allMatch(m -> m.options().contains("ro")));
        assertTrue(s.mounts().stream().noneMatch(m -> m.source().startsWith("/root") || m.source().startsWith("/home")
                || m.source().equals("/etc") || m.source().startsWith("/opt")));
        assertEquals(s.rootfs(), new HostStack(tmp).rootfs(), "same host, same skeleton");
    }
}
