package dev.gantry.engine;

import dev.gantry.engine.sys.Syscalls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Preconditions of the real-kernel tests, and the busybox rootfs they run. */
public final class TestEnv {

    public static final Path BUSYBOX = Path.of("/bin/busybox");
    private static final Path PROBE_SRC = Path.of("src/test/c/probe.c");
    private static final Path PROBE = Path.of("target/test-probe");

    private TestEnv() {
    }

    /** Skips (loudly) unless we are root with busybox-static installed. */
    public static void assumeRealContainers() {
        assumeTrue(Syscalls.geteuid() == 0,
                "SKIPPED: real-container tests need root (namespaces, mounts, cgroups); running as uid "
                        + Syscalls.geteuid());
        assumeTrue(Files.isExecutable(BUSYBOX),
                "SKIPPED: " + BUSYBOX + " is missing: apt-get install busybox-static");
        assumeTrue(Files.isDirectory(Path.of("/sys/fs/cgroup/memory")) || Files.exists(Path.of("/sys/fs/cgroup/cgroup.controllers")),
                "SKIPPED: no cgroup hierarchy at /sys/fs/cgroup");
    }

    /** The probe (src/test/c/probe.c), compiled statically once per build. */
    public static synchronized Path probe() {
        try {
            if (!Files.exists(PROBE) || Files.getLastModifiedTime(PROBE).compareTo(Files.getLastModifiedTime(PROBE_SRC)) < 0) {
                Process p = new ProcessBuilder("gcc", "-static", "-O2", "-o", PROBE.toString(), PROBE_SRC.toString())
                        .inheritIO().start();
                if (p.waitFor() != 0) {
                    throw new IllegalStateException("gcc failed to build the test probe");
                }
            }
            return PROBE.toAbsolutePath();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A minimal rootfs: busybox with its applets as symlinks, the probe, empty mount points. */
    public static Path makeRootfs(Path dir) throws IOException, InterruptedException {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Files.copy(BUSYBOX, bin.resolve("busybox"));
        Files.copy(probe(), bin.resolve("probe"));
        Process list = new ProcessBuilder(BUSYBOX.toString(), "--list").start();
        List<String> applets = new String(list.getInputStream().readAllBytes()).lines().toList();
        list.waitFor();
        for (String a : applets) {
            if (!a.equals("busybox") && !a.isBlank()) {
                Files.createSymbolicLink(bin.resolve(a), Path.of("busybox"));
            }
        }
        for (String d : List.of("proc", "dev", "sys", "etc", "mnt", "data")) {
            Files.createDirectories(dir.resolve(d));
        }
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxrwxrwx"));
        Files.writeString(dir.resolve("etc/passwd"), "root:x:0:0:root:/:/bin/sh\napp:x:1000:1000:app:/:/bin/sh\n");
        Files.writeString(dir.resolve("etc/group"), "root:x:0:\napp:x:1000:\n");
        Files.writeString(dir.resolve("etc/marker"), "from-the-image\n");
        return dir;
    }
}
