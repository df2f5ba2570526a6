package dev.gantry.router.impl;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * One JSON line per request, written by a background thread so an event loop never waits on a
 * disk or a pipe. When the queue is full (the output cannot keep up) lines are dropped and counted
 * rather than slowing traffic down. A file is rotated once it passes {@link #MAX_FILE_BYTES}: it
 * becomes {@code <file>.1} (replacing the previous one), so the log never fills the disk.
 */
final class AccessLog implements AutoCloseable {

    static final long MAX_FILE_BYTES = Long.getLong("gantry.router.access-log.max-bytes", 64L << 20);

    private final BlockingQueue<String> queue = new ArrayBlockingQueue<>(16_384);
    private final LongAdder dropped = new LongAdder();
    private final Path file;
    private final long maxBytes;
    private PrintStream out;
    private long written;
    private final Thread writer;
    private volatile boolean closed;

    private AccessLog(PrintStream out, Path file, long maxBytes) {
        this.out = out;
        this.file = file;
        this.maxBytes = maxBytes;
        this.written = file == null ? 0 : file.toFile().length();
        this.writer = new Thread(this::drain, "router-access-log");
        writer.setDaemon(true);
        writer.start();
    }

    /** Logs one proxied request as a JSON line; {@code originNanos} is negative when no origin answered. */
    void request(String requestId, String app, String host, String method, String path, int status, Failure failure,
                 String instance, long bytesIn, long bytesOut, long originNanos, long totalNanos, String client) {
        log("{\"time\":\"" + java.time.Instant.now() + "\",\"request_id\":" + quote(requestId)
                + ",\"app\":" + quote(app) + ",\"host\":" + quote(host)
                + ",\"method\":" + quote(method) + ",\"path\":" + quote(path)
                + ",\"status\":" + status + ",\"error\":" + (failure == null ? "null" : "\"" + failure.code + "\"")
                + ",\"instance\":" + quote(instance)
                + ",\"bytes_in\":" + bytesIn + ",\"bytes_out\":" + bytesOut
                + ",\"origin_ms\":" + (originNanos < 0 ? "null" : millis(originNanos))
                + ",\"total_ms\":" + millis(totalNanos)
                + ",\"client\":" + quote(client)
                + "}");
    }

    private static String millis(long nanos) {
        return String.format(java.util.Locale.ROOT, "%.3f", nanos / 1e6);
    }

    /** {@code off} → null; {@code stdout}; otherwise a file path, appended to. */
    static AccessLog open(String target) {
        return open(target, MAX_FILE_BYTES);
    }

    static AccessLog open(String target, long maxBytes) {
        if (target == null || target.isBlank() || target.equals("off")) {
            return null;
        }
        if (target.equals("stdout")) {
            return new AccessLog(System.out, null, 0);
        }
        try {
            return new AccessLog(append(Path.of(target)), Path.of(target), maxBytes);
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
                write(line);
                for (String more; (more = queue.poll()) != null; ) {
                    write(more);
                }
                out.flush();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static PrintStream append(Path file) throws IOException {
        OutputStream stream = new FileOutputStream(file.toFile(), true);
        return new PrintStream(stream, false, StandardCharsets.UTF_8);
    }

    private void write(String line) {
        out.println(line);
        written += line.length() + 1;
        if (file != null && written > maxBytes) {
            rotate();
        }
    }

    /** Readers (the platform's log feed) notice the new, smaller file and start again at its beginning. */
    private void rotate() {
        out.flush();
        out.close();
        try {
            Files.move(file, file.resolveSibling(file.getFileName() + ".1"), StandardCopyOption.REPLACE_EXISTING);
            out = append(file);
        } catch (IOException e) {
            try {
                out = append(file); // keep logging into the big file rather than not at all
            } catch (IOException again) {
                out = new PrintStream(OutputStream.nullOutputStream());
            }
        }
        written = 0;
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
