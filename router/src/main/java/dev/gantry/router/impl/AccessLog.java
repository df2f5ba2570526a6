package dev.gantry.router.impl;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * One JSON line per request, written by a background thread so an event loop never waits on a
 * disk or a pipe. When the queue is full (the output cannot keep up) lines are dropped and counted
 * rather than slowing traffic down.
 */
final class AccessLog implements AutoCloseable {

    private final BlockingQueue<String> queue = new ArrayBlockingQueue<>(16_384);
    private final LongAdder dropped = new LongAdder();
    private final PrintStream out;
    private final Thread writer;
    private volatile boolean closed;

    private AccessLog(PrintStream out) {
        this.out = out;
        this.writer = new Thread(this::drain, "router-access-log");
        writer.setDaemon(true);
        writer.start();
    }

    /** {@code off} → null; {@code stdout}; otherwise a file path, appended to. */
    static AccessLog open(String target) {
        if (target == null || target.isBlank() || target.equals("off")) {
            return null;
        }
        if (target.equals("stdout")) {
            return new AccessLog(System.out);
        }
        try {
            OutputStream file = new FileOutputStream(target, true);
            return new AccessLog(new PrintStream(file, false, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new dev.gantry.router.RouterException(dev.gantry.router.RouterException.Code.START_FAILED,
                    "cannot open access log " + target, e);
        }
    }

    void log(String line) {
        if (!queue.offer(line)) {
            dropped.increment();
        }
    }

    long dropped() {
        return dropped.sum();
    }

    private void drain() {
        try {
            while (!closed || !queue.isEmpty()) {
                String line = queue.poll(200, TimeUnit.MILLISECONDS);
                if (line == null) {
                    continue;
                }
                out.println(line);
                for (String more; (more = queue.poll()) != null; ) {
                    out.println(more);
                }
                out.flush();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            writer.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        out.flush();
    }

    /** Minimal JSON string escaping for values that come from clients (paths, hosts). */
    static String quote(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
