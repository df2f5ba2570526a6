package dev.gantry.git;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

import org.eclipse.jgit.transport.ReceivePack;

/**
 * A {@link ProgressSink} writing to the pusher through ReceivePack's message stream (side band 2,
 * shown as {@code remote:} lines). Each line is flushed at once: without the flush the lines would
 * arrive in one burst at the end of the build, which is what the pusher must not see.
 */
final class SidebandProgress implements ProgressSink {

    private final ReceivePack receivePack;
    private boolean closed;
    private boolean broken;

    SidebandProgress(ReceivePack receivePack) {
        this.receivePack = receivePack;
    }

    @Override
    public synchronized void line(String text) {
        if (closed || broken) {
            return;
        }
        OutputStream out = receivePack.getMessageOutputStream();
        if (out == null) {
            return;
        }
        try {
            for (String part : String.valueOf(text).split("\r?\n", -1)) {
                out.write((part + "\n").getBytes(StandardCharsets.UTF_8));
            }
            out.flush();
        } catch (IOException e) {
            // The pusher went away (Ctrl-C, dropped connection). The deploy goes on and decides the
            // branch on its own; only its output has nowhere to go any more.
            broken = true;
        }
    }

    /** Stops writing: a deploy thread that outlives its time limit must not write into a finished response. */
    synchronized void close() {
        closed = true;
    }
}
