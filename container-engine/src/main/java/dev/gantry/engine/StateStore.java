package dev.gantry.engine;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gantry.engine.spec.SpecLoader;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** The state directory: one subdirectory per container id holding its records and layers. */
final class StateStore {

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");
    private static final ObjectMapper JSON = SpecLoader.JSON;

    private final Path root;

    StateStore(Path root) {
        this.root = root;
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw new EngineException(ErrorCode.IO, "create state dir " + root + ": " + e.getMessage(), e);
        }
    }

    Path root() {
        return root;
    }

    Path dir(String id) {
        if (id == null || !ID.matcher(id).matches()) {
            throw new EngineException(ErrorCode.INVALID_SPEC,
                    "invalid container id '" + id + "': use letters, digits, '.', '_', '-' (max 128)");
        }
        return root.resolve(id);
    }

    /** Claims the id atomically: the directory's existence is the lock. */
    Path claim(String id) {
        Path d = dir(id);
        try {
            Files.createDirectory(d);
            return d;
        } catch (FileAlreadyExistsException e) {
            throw new EngineException(ErrorCode.ALREADY_EXISTS, "container id " + id + " is already in use");
        } catch (IOException e) {
            throw new EngineException(ErrorCode.IO, "create " + d + ": " + e.getMessage(), e);
        }
    }

    void save(ContainerRecord r) {
        Path d = dir(r.id());
        Path tmp = d.resolve("state.json.tmp");
        try {
            JSON.writeValue(tmp.toFile(), r);
            Files.move(tmp, d.resolve("state.json"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new EngineException(ErrorCode.IO, "write state of " + r.id() + ": " + e.getMessage(), e);
        }
    }

    ContainerRecord load(String id) {
        Path f = dir(id).resolve("state.json");
        try {
            return JSON.readValue(Files.readAllBytes(f), ContainerRecord.class);
        } catch (NoSuchFileException e) {
            throw new EngineException(ErrorCode.NOT_FOUND, "container " + id + " does not exist");
        } catch (IOException e) {
            throw new EngineException(ErrorCode.IO, "read " + f + ": " + e.getMessage(), e);
        }
    }

    ExitStatus exitStatus(String id) {
        Path f = dir(id).resolve("exit.json");
        try {
            return JSON.readValue(Files.readAllBytes(f), ExitStatus.class);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new EngineException(ErrorCode.IO, "read " + f + ": " + e.getMessage(), e);
        }
    }

    List<String> ids() {
        List<String> ids = new ArrayList<>();
        try (Stream<Path> s = Files.list(root)) {
            s.filter(p -> Files.exists(p.resolve("state.json")))
                    .map(p -> p.getFileName().toString()).sorted().forEach(ids::add);
        } catch (IOException e) {
            throw new EngineException(ErrorCode.IO, "list " + root + ": " + e.getMessage(), e);
        }
        return ids;
    }

    /** Deletes a container's directory; never follows symlinks out of it. */
    void remove(String id) {
        Path d = dir(id);
        if (!Files.exists(d)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(d)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new EngineException(ErrorCode.IO, "remove " + d + ": " + e.getMessage(), e);
        }
    }
}
