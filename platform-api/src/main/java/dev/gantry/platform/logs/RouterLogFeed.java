package dev.gantry.platform.logs;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gantry.platform.GantryConfig;
import dev.gantry.platform.app.App;
import dev.gantry.platform.reconcile.Reconciler;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

/**
 * Copies the router's access log into each app's log stream (source {@code router}), Heroku style:
 * {@code method=GET path="/" status=200 instance=web.1 service=3ms bytes=120 request_id=…}. The router writes
 * the file (and rotates it); this follows it once a second from a saved offset, so lines written while the
 * platform was down arrive when it is back.
 */
@ApplicationScoped
public class RouterLogFeed {

    private static final Logger LOG = Logger.getLogger(RouterLogFeed.class);
    private static final int MAX_CHUNK = 1 << 20;

    @Inject
    GantryConfig config;

    @Inject
    LogStore logs;

    @Inject
    Reconciler reconciler;

    @Inject
    ObjectMapper json;

    private ScheduledExecutorService worker;
    private Path file;
    private Path offsetFile;
    private long offset = -1;
    private Map<String, Long> appIds = Map.of();
    private long appIdsLoadedAt;

    void start(@Observes StartupEvent event) {
        if ("off".equalsIgnoreCase(config.router())) {
            return;
        }
        file = config.routerAccessLog().orElse(config.dataDir().resolve("router").resolve("access.log"));
        offsetFile = file.resolveSibling(file.getFileName() + ".offset");
        worker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "router-log-feed");
            t.setDaemon(true);
            return t;
        });
        worker.scheduleWithFixedDelay(this::poll, 1, 1, TimeUnit.SECONDS);
    }

    void stop(@Observes ShutdownEvent event) {
        if (worker != null) {
            worker.shutdownNow();
        }
    }

    void poll() {
        try {
            if (!Files.exists(file)) {
                return;
            }
            if (offset < 0) {
                offset = readOffset();
            }
            long next = feed();
            if (next != offset) {
                offset = next;
                Files.writeString(offsetFile, Long.toString(offset));
            }
        } catch (IOException | RuntimeException e) {
            LOG.debugf("router log feed: %s", e.getMessage());
        }
    }

    private long feed() throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            long length = f.length();
            long from = length < offset ? 0 : offset; // rotated: a new file starts again at 0
            int size = (int) Math.min(length - from, MAX_CHUNK);
            if (size <= 0) {
                return from;
            }
            byte[] buf = new byte[size];
            f.seek(from);
            f.readFully(buf);
            int end = size - 1;
            while (end >= 0 && buf[end] != '\n') {
                end--;
            }
            if (end < 0) {
                return from;
            }
            for (String line : new String(buf, 0, end, StandardCharsets.UTF_8).split("\n")) {
                ship(line);
            }
            return from + end + 1;
        }
    }

    private void ship(String line) {
        JsonNode l;
        try {
            l = json.readTree(line);
        } catch (IOException e) {
            return;
        }
        Long appId = appId(l.path("app").asText(""));
        if (appId == null) {
            return;
        }
        String instance = l.path("instance").isTextual()
                ? reconciler.slotAt(l.path("instance").asText()).orElse(l.path("instance").asText()) : "";
        StringBuilder text = new StringBuilder()
                .append("method=").append(l.path("method").asText())
                .append(" path=\"").append(l.path("path").asText()).append('"')
                .append(" host=").append(l.path("host").asText())
                .append(" status=").append(l.path("status").asInt());
        if (l.hasNonNull("error") && !l.path("error").asText().isEmpty()) {
            text.append(" error=").append(l.path("error").asText());
        }
        text.append(" instance=").append(instance.isEmpty() ? "none" : instance)
                .append(" service=").append(l.path("total_ms").asLong()).append("ms")
                .append(" bytes=").append(l.path("bytes_out").asLong())
                .append(" request_id=").append(l.path("request_id").asText())
                .append(" fwd=\"").append(l.path("client").asText()).append('"');
        logs.append(appId, "router", instance, text.toString());
    }

    /** {@code web.acme} → the app's id; reloaded when an unknown key shows up (at most every 10 s). */
    private Long appId(String key) {
        Long id = appIds.get(key);
        if (id == null && !key.isEmpty() && System.currentTimeMillis() - appIdsLoadedAt > 10_000) {
            appIdsLoadedAt = System.currentTimeMillis();
            appIds = QuarkusTransaction.requiringNew().call(() -> {
                Map<String, Long> m = new HashMap<>();
                App.<App>list("select a from App a join fetch a.tenant").forEach(a -> m.put(a.name + "." + a.tenant.name, a.id));
                return m;
            });
            id = appIds.get(key);
        }
        return id;
    }

    private long readOffset() {
        try {
            return Long.parseLong(Files.readString(offsetFile).trim());
        } catch (IOException | NumberFormatException e) {
            // first start: what is already there belongs to no one's stream yet; start at the end
            return file.toFile().length();
        }
    }
}
