package dev.gantry.build.image;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.build.BuildErrorCode;
import dev.gantry.build.BuildException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Images in an OCI image layout on disk ({@code oci-layout}, {@code index.json}, {@code blobs/sha256/…}):
 * each blob (layer tar, config, manifest) is stored once under its sha256, so layers shared between images
 * are stored once. Layers are unpacked on first use into {@code layers/<hex>/} (safely, see
 * {@link SafeUnpacker}) and reused as overlay lower layers. JSON is written with sorted keys and no
 * timestamps, so identical input gives identical digests. One JVM owns a store; its methods are synchronized.
 */
public final class ImageStore {

    public static final String MEDIA_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    public static final String MEDIA_CONFIG = "application/vnd.oci.image.config.v1+json";
    public static final String MEDIA_LAYER = "application/vnd.oci.image.layer.v1.tar";
    public static final String LABEL_PROCESS_TYPES = "dev.gantry.process-types";
    public static final String LABEL_BUILDPACKS = "dev.gantry.buildpacks";

    static final ObjectMapper JSON = new ObjectMapper()
            .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    private final Path root;

    public ImageStore(Path root) {
        this.root = root;
        try {
            Files.createDirectories(root.resolve("blobs/sha256"));
            Files.createDirectories(root.resolve("layers"));
            Files.createDirectories(root.resolve("tmp"));
            if (!Files.exists(root.resolve("oci-layout"))) {
                Files.writeString(root.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
            }
            if (!Files.exists(root.resolve("index.json"))) {
                writeIndex(List.of());
            }
        } catch (IOException e) {
            throw new BuildException(BuildErrorCode.IO, "create image store " + root + ": " + e.getMessage(), e);
        }
    }

    public Path root() {
        return root;
    }

    /**
     * Stores an image made of one slug layer (the tar at {@code layerTar}, moved into the store) and a config
     * with env, working dir, process types and buildpacks. Returns the manifest digest.
     */
    public synchronized String put(Path layerTar, List<String> env, String workingDir, Map<String, String> processTypes,
                                   List<String> buildpacks) {
        String layerDigest = putLayer(layerTar);
        ObjectNode c = JSON.createObjectNode();
        ArrayNode envArr = c.putArray("Env");
        env.forEach(envArr::add);
        c.put("WorkingDir", workingDir);
        ObjectNode labels = c.putObject("Labels");
        labels.put(LABEL_PROCESS_TYPES, json(new TreeMap<>(processTypes)));
        labels.put(LABEL_BUILDPACKS, String.join(",", buildpacks));
        return putImage(List.of(layerDigest), c);
    }

    /** Moves a layer tar into the store; returns its digest. */
    public synchronized String putLayer(Path tar) {
        String digest = Digests.of(tar);
        moveBlob(tar, digest);
        return digest;
    }

    /**
     * Stores an image made of layers already in the store (bottom first) and the given container config
     * ({@code Env}, {@code Entrypoint}, …); returns the manifest digest. The layers are uncompressed tars, so
     * their digests are also their diff_ids.
     */
    public synchronized String putImage(List<String> layerDigests, ObjectNode containerConfig) {
        ObjectNode config = JSON.createObjectNode();
        config.put("architecture", "amd64");
        config.put("os", "linux");
        config.set("config", containerConfig);
        ObjectNode rootfs = config.putObject("rootfs");
        rootfs.put("type", "layers");
        ArrayNode diffIds = rootfs.putArray("diff_ids");
        layerDigests.forEach(diffIds::add);
        byte[] configBytes = bytes(config);
        String configDigest = writeBlob(configBytes);
        ObjectNode manifest = JSON.createObjectNode();
        manifest.put("schemaVersion", 2);
        manifest.put("mediaType", MEDIA_MANIFEST);
        manifest.set("config", descriptor(MEDIA_CONFIG, configDigest, configBytes.length));
        ArrayNode layers = manifest.putArray("layers");
        for (String d : layerDigests) {
            layers.add(descriptor(MEDIA_LAYER, d, size(blob(d))));
        }
        byte[] manifestBytes = bytes(manifest);
        String digest = writeBlob(manifestBytes);
        List<JsonNode> index = index();
        if (index.stream().noneMatch(m -> digest.equals(m.path("digest").asText()))) {
            List<JsonNode> next = new ArrayList<>(index);
            next.add(descriptor(MEDIA_MANIFEST, digest, manifestBytes.length));
            writeIndex(next);
        }
        return digest;
    }

    /** The manifest and config of an image, as JSON. */
    public synchronized JsonNode[] manifestAndConfig(String digest) {
        JsonNode manifest = readJson(digest);
        return new JsonNode[] {manifest, readJson(manifest.path("config").path("digest").asText())};
    }

    /** The image with that manifest digest, its layers unpacked (once per layer digest). */
    public synchronized Image get(String digest) {
        JsonNode manifest = readJson(digest);
        JsonNode config = readJson(manifest.path("config").path("digest").asText());
        JsonNode c = config.path("config");
        List<String> env = new ArrayList<>();
        c.path("Env").forEach(n -> env.add(n.asText()));
        Map<String, String> processTypes;
        try {
            processTypes = JSON.readValue(c.path("Labels").path(LABEL_PROCESS_TYPES).asText("{}"),
                    new TypeReference<LinkedHashMap<String, String>>() { });
        } catch (IOException e) {
            throw new BuildException(BuildErrorCode.INVALID, "image " + digest + ": bad process types label", e);
        }
        String bps = c.path("Labels").path(LABEL_BUILDPACKS).asText("");
        List<Path> layers = new ArrayList<>();
        for (JsonNode l : manifest.path("layers")) {
            layers.add(0, unpacked(l.path("digest").asText()));
        }
        List<String> entrypoint = new ArrayList<>();
        c.path("Entrypoint").forEach(n -> entrypoint.add(n.asText()));
        return new Image(digest, env, c.path("WorkingDir").asText("/app"), processTypes,
                bps.isEmpty() ? List.of() : List.of(bps.split(",")), layers, entrypoint);
    }

    /** Manifest digests in index.json. */
    public synchronized List<String> list() {
        return index().stream().map(m -> m.path("digest").asText()).toList();
    }

    /** The path of a blob (e.g. to hash or export it). */
    public Path blob(String digest) {
        Path p = root.resolve("blobs/sha256").resolve(Digests.hex(digest));
        if (!Files.exists(p)) {
            throw new BuildException(BuildErrorCode.IMAGE_NOT_FOUND, "no blob " + digest + " in " + root);
        }
        return p;
    }

    /**
     * Removes every image not in {@code keep} (the platform passes the images of each app's last N releases
     * and of running instances), then every blob and unpacked layer no kept image refers to.
     * Returns the number of blobs removed.
     */
    public synchronized int gc(Set<String> keep) {
        List<JsonNode> kept = index().stream().filter(m -> keep.contains(m.path("digest").asText())).toList();
        writeIndex(kept);
        Set<String> live = new HashSet<>();
        for (JsonNode m : kept) {
            String d = m.path("digest").asText();
            live.add(Digests.hex(d));
            JsonNode manifest = readJson(d);
            live.add(Digests.hex(manifest.path("config").path("digest").asText()));
            manifest.path("layers").forEach(l -> live.add(Digests.hex(l.path("digest").asText())));
        }
        int removed = 0;
        try (Stream<Path> blobs = Files.list(root.resolve("blobs/sha256"));
             Stream<Path> layers = Files.list(root.resolve("layers"))) {
            for (Path b : blobs.toList()) {
                if (!live.contains(b.getFileName().toString())) {
                    Files.deleteIfExists(b);
                    removed++;
                }
            }
            for (Path l : layers.toList()) {
                if (!live.contains(l.getFileName().toString())) {
                    deleteTree(l);
                }
            }
        } catch (IOException e) {
            throw new BuildException(BuildErrorCode.IO, "gc " + root + ": " + e.getMessage(), e);
        }
        return removed;
    }

    /** A fresh temp file inside the store (same file system, so blobs are moved, not copied). */
    public Path tempFile(String suffix) {
        return root.resolve("tmp").resolve(UUID.randomUUID() + suffix);
    }

    /** Writes a layer from a directory and returns the temp tar (see {@link SlugWriter}). */
    public Path writeSlug(Path dir) {
        Path tmp = tempFile(".tar");
        try (OutputStream out = Files.newOutputStream(tmp)) {
            SlugWriter.write(dir, "app", out);
        } catch (IOException e) {
            throw new BuildException(BuildErrorCode.IO, "write " + tmp + ": " + e.getMessage(), e);
        }
        return tmp;
    }

    private Path unpacked(String layerDigest) {
        String hex = Digests.hex(layerDigest);
        Path dir = root.resolve("layers").resolve(hex);
        if (Files.isDirectory(dir)) {
            return dir;
        }
        Path tmp = root.resolve("tmp").resolve("layer-" + UUID.randomUUID());
        try (InputStream in = Files.newInputStream(blob(layerDigest))) {
            SafeUnpacker.unpack(in, tmp);
            Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
            deleteTree(tmp); // another process unpacked it first
        } catch (IOException e) {
            deleteTree(tmp);
            throw new BuildException(BuildErrorCode.IO, "unpack layer " + layerDigest + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            deleteTree(tmp);
            throw e;
        }
        return dir;
    }

    private void moveBlob(Path file, String digest) {
        Path dst = root.resolve("blobs/sha256").resolve(Digests.hex(digest));
        try {
            if (Files.exists(dst)) {
                Files.delete(file);
            } else {
                Files.move(file, dst, StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (AtomicMoveNotSupportedException e) {
            throw new BuildException(BuildErrorCode.IO, "move " + file + " into the store: not on the same file system", e);
        } catch (IOException e) {
            throw new BuildException(BuildErrorCode.IO, "move " + file + " to " + dst + ": " + e.getMessage(), e);
        }
    }

    private String writeBlob(byte[] bytes) {
        String digest = Digests.of(bytes);
        Path dst = root.resolve("blobs/sha256").resolve(Digests.hex(digest));
        if (!Files.exists(dst)) {
            Path tmp = tempFile(".blob");
            try {
                Files.write(tmp, bytes);
                Files.move(tmp, dst, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                throw new BuildException(BuildErrorCode.IO, "write blob " + digest + ": " + e.getMessage(), e);
            }
        }
        return digest;
    }

    private JsonNode readJson(String digest) {
        try {
            return JSON.readTree(blob(digest).toFile());
        } catch (IOException e) {
            throw new BuildException(BuildErrorCode.IO, "read blob " + digest + ": " + e.getMessage(), e);
        }
    }

    private List<JsonNode> index() {
        try {
            List<JsonNode> out = new ArrayList<>();
            JSON.readTree(root.resolve("index.json").toFile()).path("manifests").forEach(out::add);
            return out;
        } catch (IOException e) {
            throw new BuildException(BuildErrorCode.IO, "read " + root.resolve("index.json") + ": " + e.getMessage(), e);
        }
    }

    private void writeIndex(List<JsonNode> manifests) {
        ObjectNode index = JSON.createObjectNode();
        index.put("schemaVersion", 2);
        index.put("mediaType", "application/vnd.oci.image.index.v1+json");
        ArrayNode arr = index.putArray("manifests");
        manifests.forEach(arr::add);
        Path tmp = tempFile(".json");
        try {
            Files.write(tmp, bytes(index));
            Files.move(tmp, root.resolve("index.json"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new BuildException(BuildErrorCode.IO, "write index.json: " + e.getMessage(), e);
        }
    }

    private static ObjectNode descriptor(String mediaType, String digest, long size) {
        ObjectNode d = JSON.createObjectNode();
        d.put("mediaType", mediaType);
        d.put("digest", digest);
        d.put("size", size);
        return d;
    }

    private static byte[] bytes(JsonNode n) {
        try {
            return JSON.writeValueAsBytes(JSON.treeToValue(n, Object.class));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String json(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            throw new BuildException(BuildErrorCode.IO, "stat " + p + ": " + e.getMessage(), e);
        }
    }

    /** Deletes a tree without following symlinks (unpacked layers hold links pointing anywhere). */
    public static void deleteTree(Path dir) {
        if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                try {
                    Files.deleteIfExists(p);
                } catch (NoSuchFileException ignored) {
                    // already gone
                }
            }
        } catch (IOException e) {
            throw new BuildException(BuildErrorCode.IO, "delete " + dir + ": " + e.getMessage(), e);
        }
    }
}
