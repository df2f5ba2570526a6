package dev.gantry.router.impl;

import dev.gantry.router.RouteTable;
import dev.gantry.router.RouterException;
import io.vertx.core.buffer.Buffer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The last route table on disk ({@code routes.json} in the state directory). Written to a temp
 * file, synced, then renamed over the old one, so a crash leaves either the old or the new table,
 * never half of one.
 */
final class TableStore {

    private static final Logger LOG = Logger.getLogger(TableStore.class.getName());

    private final Path file;

    TableStore(Path stateDir) {
        this.file = stateDir.resolve("routes.json");
    }

    Path file() {
        return file;
    }

    void save(RouteTable table) {
        Path tmp = file.resolveSibling("routes.json.tmp");
        try {
            Files.createDirectories(file.getParent());
            byte[] bytes = TableJson.toJson(table).encodePrettily().getBytes(StandardCharsets.UTF_8);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buf = ByteBuffer.wrap(bytes);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new RouterException(RouterException.Code.STATE_IO, "cannot save route table to " + file, e);
        }
    }

    /**
     * The saved table, or empty if there is none. An unreadable file is moved aside (not deleted,
     * someone may want to look at it) and the router starts with no routes rather than not at all.
     */
    Optional<RouteTable> load() {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(TableJson.parse(Buffer.buffer(Files.readAllBytes(file))));
        } catch (IOException e) {
            throw new RouterException(RouterException.Code.STATE_IO, "cannot read route table " + file, e);
        } catch (RouterException e) {
            Path aside = file.resolveSibling("routes.json.corrupt");
            LOG.log(Level.WARNING, "saved route table " + file + " is invalid (" + e.getMessage()
                    + "); moved to " + aside + ", starting with no routes");
            try {
                Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException io) {
                e.addSuppressed(io);
            }
            return Optional.empty();
        }
    }
}
