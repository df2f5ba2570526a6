package dev.gantry.engine;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * One run of {@code gantry-shim create <state-dir>}: started as soon as the container's cgroups and
 * {@code monitor.conf} exist, told to go once {@code init.conf} and the rootfs are ready (a byte on its stdin),
 * answering "ok &lt;init-pid&gt; &lt;shim-pid&gt;" or "error &lt;why&gt;" (see docs/engine.md).
 */
final class ShimCreate {

    private final Process process;

    private ShimCreate(Process process) {
        this.process = process;
    }

    static ShimCreate start(Path shim, Path stateDir) {
        try {
            return new ShimCreate(new ProcessBuilder(shim.toString(), "create", stateDir.toString())
                    .redirectErrorStream(true)
                    .start());
        } catch (IOException e) {
            throw new EngineException(ErrorCode.IO, "run " + shim + ": " + e.getMessage(), e);
        }
    }

    /** Lets the init set itself up; returns the init's and the shim's pids once it is ready to start. */
    int[] go() {
        try (OutputStream in = process.getOutputStream()) {
            in.write('g');
        } catch (IOException e) {
            // The shim is gone already; its answer says why.
        }
        String out = answer();
        int rc = exitCode();
        if (rc == 0 && out.startsWith("ok ")) {
            String[] f = out.split("\\s+");
            return new int[] {Integer.parseInt(f[1]), Integer.parseInt(f[2])};
        }
        String msg = out.startsWith("error ") ? out.substring(6) : "shim exited " + rc + ": " + out;
        throw new EngineException(ErrorCode.SHIM, "create container: " + msg);
    }

    /** The engine could not prepare the container: the shim kills its init and ends. */
    void abandon() {
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            // gone already
        }
        answer();
        exitCode();
    }

    private String answer() {
        try (InputStream out = process.getInputStream()) {
            return new String(out.readAllBytes(), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new EngineException(ErrorCode.IO, "read the shim's answer: " + e.getMessage(), e);
        }
    }

    private int exitCode() {
        try {
            return process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineException(ErrorCode.TIMEOUT, "interrupted while creating the container", e);
        }
    }
}
