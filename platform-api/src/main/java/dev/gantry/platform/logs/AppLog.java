package dev.gantry.platform.logs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The log of one app on disk: numbered segment files ({@code 00000001.log}, …) of at most {@code segmentBytes},
 * of which the newest {@code keepSegments} are kept, so an app's log is bounded however much it prints. Appends,
 * reads of the backlog and (un)subscribing share one lock, so a subscriber gets every line exactly once: the
 * backlog up to the moment it subscribed, then each new line.
 */
final class AppLog {

    private final Path dir;
    private final long segmentBytes;
    private final int keepSegments;
    private final List<Consumer<LogLine>> listeners = new CopyOnWriteArrayList<>();
    private long nextSeq;
    private int segment;
    private long segmentSize;

    AppLog(Path dir, long segmentBytes, int keepSegments) {
        this.dir = dir;
        this.segmentBytes = segmentBytes;
        this.keepSegments = keepSegments;
        try {
            Files.createDirectories(dir);
            List<Integer> segments = segments();
            segment = segments.isEmpty() ? 1 : segments.get(segments.size() - 1);
            Path current = segmentFile(segment);
            segmentSize = Files.exists(current) ? Files.size(current) : 0;
            nextSeq = lastLine(current).map(l -> l.seq() + 1).orElse(1L);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the log in " + dir, e);
        }
    }

    synchronized LogLine append(String source, String instance, String text) {
        LogLine line = new LogLine(nextSeq++, Instant.now(), source, instance, text);
        byte[] bytes = line.encode().getBytes(StandardCharsets.UTF_8);
        try {
            if (segmentSize > 0 && segmentSize + bytes.length > segmentBytes) {
                rotate();
            }
            Files.write(segmentFile(segment), bytes, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            segmentSize += bytes.length;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the log in " + dir, e);
        }
        listeners.forEach(l -> l.accept(line));
        return line;
    }

    /** The last {@code count} lines that match, oldest first. */
    synchronized List<LogLine> tail(int count, LogFilter filter) {
        Deque<LogLine> last = new ArrayDeque<>(count);
        try {
            List<Integer> segments = segments();
            // Newest segments first, until enough lines are found; then put them back in order.
            List<List<LogLine>> found = new ArrayList<>();
            int total = 0;
            for (int i = segments.size() - 1; i >= 0 && total < count; i--) {
                List<LogLine> matching;
                try (Stream<String> lines = Files.lines(segmentFile(segments.get(i)), StandardCharsets.UTF_8)) {
                    matching = lines.filter(l -> !l.isEmpty()).map(LogLine::decode).filter(filter::matches).toList();
                }
                found.add(0, matching);
                total += matching.size();
            }
            for (List<LogLine> lines : found) {
                for (LogLine line : lines) {
                    if (last.size() == count) {
                        last.removeFirst();
                    }
                    if (count > 0) {
                        last.addLast(line);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the log in " + dir, e);
        }
        return List.copyOf(last);
    }

    /**
     * Gives {@code listener} the backlog and then every new line that matches, nothing lost or repeated in
     * between (the backlog is delivered under the same lock that appends take). Run the result to stop.
     */
    synchronized Runnable subscribe(int backlog, LogFilter filter, Consumer<LogLine> listener) {
        tail(backlog, filter).forEach(listener);
        Consumer<LogLine> matching = line -> {
            if (filter.matches(line)) {
                listener.accept(line);
            }
        };
        listeners.add(matching);
        return () -> listeners.remove(matching);
    }

    private void rotate() throws IOException {
        segment++;
        segmentSize = 0;
        List<Integer> segments = segments();
        for (int i = 0; i < segments.size() - (keepSegments - 1); i++) {
            Files.deleteIfExists(segmentFile(segments.get(i)));
        }
    }

    private List<Integer> segments() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> n.matches("\\d{8}\\.log"))
                    .map(n -> Integer.parseInt(n.substring(0, 8)))
                    .sorted().toList();
        }
    }

    private Path segmentFile(int n) {
        return dir.resolve(String.format("%08d.log", n));
    }

    private static java.util.Optional<LogLine> lastLine(Path file) throws IOException {
        if (!Files.exists(file)) {
            return java.util.Optional.empty();
        }
        try (Stream<String> lines = Files.lines(file, StandardCharsets.UTF_8)) {
            return lines.filter(l -> !l.isEmpty()).reduce((a, b) -> b).map(LogLine::decode);
        }
    }
}
