package dev.gantry.engine.sys;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What the engine reads from /proc about its containers' processes. */
public final class ProcFs {

    private ProcFs() {
    }

    /**
     * The process's start time in clock ticks since boot (field 22 of /proc/PID/stat), or -1
     * if it does not exist. Together with the pid it identifies a process across pid reuse.
     */
    public static long startTime(int pid) {
        String stat = stat(pid);
        if (stat == null) {
            return -1;
        }
        String[] f = afterComm(stat);
        return Long.parseLong(f[19]);
    }

    /** @return true if the process exists, is not a zombie, and started at {@code startTime} */
    public static boolean isAlive(int pid, long startTime) {
        if (pid <= 0) {
            return false;
        }
        String stat = stat(pid);
        if (stat == null) {
            return false;
        }
        String[] f = afterComm(stat);
        return !f[0].equals("Z") && !f[0].equals("X") && (startTime < 0 || Long.parseLong(f[19]) == startTime);
    }

    /** The number of open file descriptors of this JVM (for leak checks). */
    public static int openFds() {
        try (var s = Files.list(Path.of("/proc/self/fd"))) {
            return (int) s.count();
        } catch (IOException e) {
            return -1;
        }
    }

    private static String stat(int pid) {
        try {
            return Files.readString(Path.of("/proc", Integer.toString(pid), "stat"));
        } catch (IOException e) {
            return null;
        }
    }

    // The command name may contain spaces and parentheses: fields start after the last ')'.
    private static String[] afterComm(String stat) {
        return stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
    }
}
