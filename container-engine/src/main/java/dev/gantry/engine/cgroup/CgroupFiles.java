package dev.gantry.engine.cgroup;

import dev.gantry.engine.EngineException;
import dev.gantry.engine.ErrorCode;

import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/** File helpers shared by the v1 and v2 managers; errors name the cgroup file. */
public final class CgroupFiles {

    private CgroupFiles() {
    }

    /** Writes an existing interface file (never creates one: cgroupfs decides which exist). */
    public static void write(Path file, String value) {
        try {
            Files.writeString(file, value, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        } catch (NoSuchFileException e) {
            throw new EngineException(ErrorCode.KERNEL_FEATURE_MISSING,
                    "cgroup file " + file + " does not exist (controller not enabled?)", e);
        } catch (IOException e) {
            throw new EngineException(ErrorCode.SYSCALL, "write " + value.trim() + " to " + file + ": " + e.getMessage(), e);
        }
    }

    /** Writes the file if the kernel offers it (optional knobs such as memsw or io.weight). */
    public static boolean writeIfExists(Path file, String value) {
        if (!Files.exists(file)) {
            return false;
        }
        write(file, value);
        return true;
    }

    public static String read(Path file) {
        try {
            return Files.readString(file).trim();
        } catch (IOException e) {
            return null;
        }
    }

    public static long readLong(Path file, long missing) {
        String s = read(file);
        if (s == null || s.isEmpty() || s.equals("max")) {
            return missing;
        }
        return Long.parseLong(s.split("\\s+")[0]);
    }

    /** The value of "key N" in a flat-keyed file such as memory.events or cpu.stat. */
    public static long readKey(Path file, String key, long missing) {
        String s = read(file);
        if (s == null) {
            return missing;
        }
        for (String line : s.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 2 && f[0].equals(key)) {
                return Long.parseLong(f[1]);
            }
        }
        return missing;
    }

    public static List<Integer> readPids(Path procs) {
        List<Integer> pids = new ArrayList<>();
        String s = read(procs);
        if (s != null) {
            for (String line : s.split("\n")) {
                if (!line.isBlank()) {
                    pids.add(Integer.parseInt(line.trim()));
                }
            }
        }
        return pids;
    }

    public static void mkdirs(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new EngineException(ErrorCode.SYSCALL, "mkdir " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * rmdir, retrying briefly: the kernel may report EBUSY for a moment after the last
     * process left.
     */
    public static void rmdir(Path dir) {
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (true) {
            try {
                Files.deleteIfExists(dir);
                return;
            } catch (DirectoryNotEmptyException e) {
                throw new EngineException(ErrorCode.INVALID_STATE, "cgroup " + dir + " still has children", e);
            } catch (FileSystemException e) {
                if (System.nanoTime() > deadline) {
                    throw new EngineException(ErrorCode.SYSCALL, "rmdir " + dir + ": " + e.getMessage(), e);
                }
                sleep(10);
            } catch (IOException e) {
                throw new EngineException(ErrorCode.SYSCALL, "rmdir " + dir + ": " + e.getMessage(), e);
            }
        }
    }

    public static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineException(ErrorCode.TIMEOUT, "interrupted", e);
        }
    }

    /** Sorted names of the directories in {@code dir}; empty if it does not exist. */
    public static List<String> subdirectories(Path dir) {
        try (var entries = Files.list(dir)) {
            return entries.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList();
        } catch (java.nio.file.NoSuchFileException e) {
            return List.of();
        } catch (java.io.IOException e) {
            throw new EngineException(ErrorCode.IO, "list " + dir + ": " + e.getMessage(), e);
        }
    }
}
