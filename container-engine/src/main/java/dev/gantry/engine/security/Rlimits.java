package dev.gantry.engine.security;

import java.util.List;

/** RLIMIT_* names and their numbers on Linux. */
public final class Rlimits {

    private static final List<String> NAMES = List.of(
            "RLIMIT_CPU", "RLIMIT_FSIZE", "RLIMIT_DATA", "RLIMIT_STACK", "RLIMIT_CORE", "RLIMIT_RSS",
            "RLIMIT_NPROC", "RLIMIT_NOFILE", "RLIMIT_MEMLOCK", "RLIMIT_AS", "RLIMIT_LOCKS",
            "RLIMIT_SIGPENDING", "RLIMIT_MSGQUEUE", "RLIMIT_NICE", "RLIMIT_RTPRIO", "RLIMIT_RTTIME");

    private Rlimits() {
    }

    /** @return the resource number, or -1 if the name is unknown */
    public static int number(String name) {
        return NAMES.indexOf(name);
    }
}
