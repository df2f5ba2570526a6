package dev.gantry.engine.security;

import java.util.Collection;
import java.util.List;

/** Linux capability names and numbers (linux/capability.h), as used in OCI specs. */
public final class Capabilities {

    private static final List<String> NAMES = List.of(
            "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID",
            "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE",
            "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK",
            "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE",
            "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE", "CAP_SYS_RESOURCE",
            "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE", "CAP_AUDIT_WRITE",
            "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG",
            "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF",
            "CAP_CHECKPOINT_RESTORE");

    /**
     * The platform's default set for apps: runc's default (AUDIT_WRITE, KILL, NET_BIND_SERVICE)
     * minus AUDIT_WRITE, which web apps never need.
     */
    public static final List<String> APP_DEFAULT = List.of("CAP_KILL", "CAP_NET_BIND_SERVICE");

    private Capabilities() {
    }

    /** @return the capability number, or -1 if the name is unknown */
    public static int number(String name) {
        return NAMES.indexOf(name);
    }

    public static long mask(Collection<String> names) {
        long m = 0;
        for (String n : names) {
            int i = number(n);
            if (i < 0) {
                throw new IllegalArgumentException("unknown capability " + n);
            }
            m |= 1L << i;
        }
        return m;
    }
}
