package dev.gantry.platform.logs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.gantry.platform.FileTrees;
import dev.gantry.platform.GantryConfig;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.subscription.BackPressureStrategy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Every app's log stream — build output, app output per instance, router lines, platform events — kept on disk
 * under {@code <data-dir>/logs/<app-id>/} so it survives redeploys and restarts, bounded per app (by default
 * 8 segments of 1 MiB). Keyed by the app's id, not its name, so a new app with an old name starts clean.
 */
@ApplicationScoped
public class LogStore {

    private final Map<Long, AppLog> logs = new ConcurrentHashMap<>();
    private final Path root;
    private final long segmentBytes;
    private final int keepSegments;

    @Inject
    public LogStore(GantryConfig config) {
        this(config.dataDir().resolve("logs"), config.logs().segmentBytes(), config.logs().segments());
    }

    LogStore(Path root, long segmentBytes, int keepSegments) {
        this.root = root;
        this.segmentBytes = segmentBytes;
        this.keepSegments = keepSegments;
    }

    /** Appends {@code text}, one log line per line of it. */
    public void append(long appId, String source, String instance, String text) {
        AppLog log = log(appId);
        for (String line : text.split("\\r?\\n", -1)) {
            if (!line.isEmpty()) {
                log.append(source, instance == null ? "" : instance, line);
            }
        }
    }

    public List<LogLine> tail(long appId, int lines, LogFilter filter) {
        return log(appId).tail(lines, filter);
    }

    /**
     * The last {@code lines} lines, then, if {@code follow}, every new one as it is appended until the subscriber
     * cancels. A reader too slow to keep up loses lines rather than growing the platform's memory.
     */
    public Multi<LogLine> stream(long appId, int lines, LogFilter filter, boolean follow) {
        if (!follow) {
            return Multi.createFrom().iterable(tail(appId, lines, filter));
        }
        AppLog log = log(appId);
        return Multi.createFrom().emitter(emitter -> {
            Runnable stop = log.subscribe(lines, filter, emitter::emit);
            emitter.onTermination(stop);
        }, BackPressureStrategy.DROP);
    }

    /** Forgets an app's log, on disk too; for deleted apps. */
    public void delete(long appId) {
        logs.remove(appId);
        try {
            FileTrees.deleteTree(root.resolve(Long.toString(appId)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the log of app " + appId, e);
        }
    }

    private AppLog log(long appId) {
        return logs.computeIfAbsent(appId, id -> new AppLog(root.resolve(Long.toString(id)), segmentBytes, keepSegments));
    }
}
