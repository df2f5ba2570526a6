package dev.gantry.platform.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import dev.gantry.platform.FileTrees;
import io.smallrye.mutiny.helpers.test.AssertSubscriber;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LogStoreTest {

    private Path dir;

    @BeforeEach
    void tempDir() throws Exception {
        dir = Files.createTempDirectory("gantry-test-logs-");
    }

    @AfterEach
    void cleanUp() throws Exception {
        FileTrees.deleteTree(dir);
    }

    @Test
    void linesComeBackInOrderFilteredAndSplit() {
        LogStore store = new LogStore(dir, 1 << 20, 4);
        store.append(1, "build", "", "-----> Node.js app detected\n-----> Installing");
        store.append(1, "app", "web.1", "listening on 5000\twith tabs");
        store.append(1, "app", "web.2", "listening on 5001");
        store.append(2, "app", "web.1", "another app");

        List<LogLine> all = store.tail(1, 100, LogFilter.ALL);
        assertEquals(List.of("-----> Node.js app detected", "-----> Installing", "listening on 5000\twith tabs",
                "listening on 5001"), all.stream().map(LogLine::text).toList());
        assertEquals(List.of(1L, 2L, 3L, 4L), all.stream().map(LogLine::seq).toList());
        assertEquals(List.of("listening on 5000\twith tabs"),
                store.tail(1, 100, new LogFilter("app", "web.1")).stream().map(LogLine::text).toList());
        assertEquals(List.of("listening on 5001"), store.tail(1, 1, LogFilter.ALL).stream().map(LogLine::text).toList());
        assertEquals(1, store.tail(2, 100, LogFilter.ALL).size());
    }

    @Test
    void theLogSurvivesARestartAndKeepsNumbering() {
        new LogStore(dir, 1 << 20, 4).append(7, "app", "web.1", "before");
        LogStore again = new LogStore(dir, 1 << 20, 4);
        again.append(7, "app", "web.1", "after");
        List<LogLine> lines = again.tail(7, 10, LogFilter.ALL);
        assertEquals(List.of("before", "after"), lines.stream().map(LogLine::text).toList());
        assertEquals(List.of(1L, 2L), lines.stream().map(LogLine::seq).toList());
    }

    @Test
    void eachAppsLogIsBoundedOnDisk() throws Exception {
        LogStore store = new LogStore(dir, 4096, 3);
        IntStream.range(0, 2000).forEach(i -> store.append(3, "app", "web.1", "line " + i + " " + "x".repeat(50)));

        long bytes;
        try (Stream<Path> files = Files.list(dir.resolve("3"))) {
            bytes = files.mapToLong(p -> p.toFile().length()).sum();
        }
        assertTrue(bytes <= 3 * 4096, "kept " + bytes + " bytes");
        List<LogLine> kept = store.tail(3, 10_000, LogFilter.ALL);
        assertEquals("line 1999 " + "x".repeat(50), kept.get(kept.size() - 1).text(), "the newest lines are kept");
        assertTrue(kept.size() < 2000, "the oldest lines were dropped");
    }

    @Test
    void followingGetsTheBacklogThenEveryNewLineOnce() throws Exception {
        LogStore store = new LogStore(dir, 4096, 50);
        IntStream.range(0, 5).forEach(i -> store.append(9, "app", "web.1", "old " + i));

        AssertSubscriber<LogLine> reader = store.stream(9, 3, LogFilter.ALL, true)
                .subscribe().withSubscriber(AssertSubscriber.create(Long.MAX_VALUE));
        Thread writer = new Thread(() -> IntStream.range(0, 500).forEach(i -> store.append(9, "app", "web.1", "new " + i)));
        writer.start();
        writer.join();
        reader.awaitItems(503, Duration.ofSeconds(10));
        reader.cancel();

        List<Long> seqs = new ArrayList<>(reader.getItems().stream().map(LogLine::seq).toList());
        assertEquals(IntStream.rangeClosed(3, 505).mapToObj(Long::valueOf).toList(), seqs,
                "the last 3 old lines, then all 500 new ones, in order, none twice");

        store.append(9, "app", "web.1", "after cancel");
        assertEquals(503, reader.getItems().size(), "a cancelled reader gets nothing more");
    }
}
