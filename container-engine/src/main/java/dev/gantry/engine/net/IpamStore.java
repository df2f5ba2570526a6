package dev.gantry.engine.net;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gantry.engine.EngineException;
import dev.gantry.engine.ErrorCode;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * {@code <net-state>/ipam.json}, changed only under an exclusive lock on {@code ipam.lock}
 * (flock, so engines in other processes, e.g. the CLI, wait too) and written by an atomic
 * rename, so a crash leaves either the old or the new file.
 */
final class IpamStore {

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    /** A JVM may hold a file lock once: threads and runtimes of one JVM queue here first. */
    private static final ReentrantLock IN_JVM = new ReentrantLock();

    private final Path dir;

    IpamStore(Path dir) {
        this.dir = dir;
    }

    Path file() {
        return dir.resolve("ipam.json");
    }

    /** Runs {@code change} on the current data under the lock and saves the data afterwards. */
    <R> R update(Function<IpamData, R> change) {
        IN_JVM.lock();
        try {
            Files.createDirectories(dir);
            try (FileChannel ch = FileChannel.open(dir.resolve("ipam.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock ignored = ch.lock()) {
                IpamData data = read();
                R r = change.apply(data);
                write(data);
                return r;
            }
        } catch (IOException e) {
            throw new EngineException(ErrorCode.IO, "IPAM " + file() + ": " + e.getMessage(), e);
        } finally {
            IN_JVM.unlock();
        }
    }

    /** A snapshot without the lock (for tests and reports). */
    IpamData read() throws IOException {
        try {
            return JSON.readValue(Files.readAllBytes(file()), IpamData.class);
        } catch (NoSuchFileException e) {
            return new IpamData();
        }
    }

    private void write(IpamData data) throws IOException {
        Path tmp = dir.resolve("ipam.json.tmp");
        JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), data);
        Files.move(tmp, file(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
