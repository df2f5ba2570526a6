package dev.gantry.build.image;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.build.BuildErrorCode;
import dev.gantry.build.BuildException;
import dev.gantry.build.stack.DirectoryStack;

/**
 * Makes an image that runs outside Gantry (a Kubernetes node, Docker, any OCI runtime) from an app image and the
 * stack it was built on: the stack's whole file system as the base layer, a small launcher layer
 * ({@code /gantry/launch} and the process types), then the app's slug; the config's entrypoint is the launcher
 * and its command the process type ({@code web}), or {@code --run CMD} for a one-off command. The launcher does
 * what Gantry's engine does for its own instances: sources {@code /app/.profile.d/*.sh}, runs the type's command with {@code $PORT} (5000 unless set),
 * stays PID 1 and forwards SIGTERM/SIGHUP to it.
 *
 * <p>Layers are deterministic (see {@link SlugWriter}); the stack layer is made once per stack directory and
 * kept, so exporting the next release costs the launcher and the manifest only.
 */
public final class PortableImages {

    /** The launcher, a POSIX shell script (stacks have /bin/sh; bash is not assumed). */
    static final String LAUNCHER = """
            #!/bin/sh
            # Gantry's launcher: runs one process type of this app (or, after --run, a one-off command) as
            # Gantry's engine does.
            if [ "$1" = "--run" ]; then
              cmd="$2"
            else
              type="${1:-web}"
              cmd=$(sed -n "s/^$type: //p" /gantry/process-types | head -n 1)
              if [ -z "$cmd" ]; then
                echo "gantry: this image has no process type '$type' (it has: $(cut -d: -f1 /gantry/process-types | tr '\\n' ' '))" >&2
                exit 64
              fi
            fi
            export PORT="${PORT:-5000}" HOME=/app
            cd /app || exit 1
            for f in /app/.profile.d/*.sh; do [ -r "$f" ] && . "$f"; done
            # A child, not exec: PID 1 ignores signals it has no handler for, so the app would miss SIGTERM.
            /bin/sh -c "$cmd" & child=$!
            trap 'kill -TERM $child 2>/dev/null' TERM
            trap 'kill -HUP $child 2>/dev/null' HUP
            while :; do wait $child; status=$?; kill -0 $child 2>/dev/null || exit $status; done
            """;

    /** Left out of the stack layer: the runtime mounts its own. */
    private static final Set<String> RUNTIME_DIRS = Set.of("dev", "proc", "sys", "run", "tmp");

    private PortableImages() {
    }

    /** Whether the image runs by itself: its config names an entrypoint. */
    public static boolean isPortable(ImageStore store, String digest) {
        JsonNode entrypoint = store.manifestAndConfig(digest)[1].path("config").path("Entrypoint");
        return entrypoint.isArray() && !entrypoint.isEmpty();
    }

    /** The portable image of {@code appImage} on {@code stack}; returns its manifest digest. */
    public static String export(ImageStore store, String appImage, DirectoryStack stack) {
        JsonNode[] mc = store.manifestAndConfig(appImage);
        JsonNode appConfig = mc[1].path("config");
        Image image = store.get(appImage);
        List<String> layers = new ArrayList<>();
        layers.add(stackLayer(store, stack));
        layers.add(launcherLayer(store, image.processTypes()));
        mc[0].path("layers").forEach(l -> layers.add(l.path("digest").asText()));

        ObjectNode config = ImageStore.JSON.createObjectNode();
        ArrayNode env = config.putArray("Env");
        boolean hasPath = false;
        for (JsonNode e : appConfig.path("Env")) {
            env.add(e.asText());
            hasPath |= e.asText().startsWith("PATH=");
        }
        if (!hasPath) {
            env.add("PATH=/app/bin:/usr/local/bin:/usr/bin:/bin");
        }
        config.putArray("Entrypoint").add("/gantry/launch");
        config.putArray("Cmd").add("web");
        config.put("WorkingDir", "/app");
        config.put("User", SlugWriter.OWNER + ":" + SlugWriter.OWNER);
        config.putObject("ExposedPorts").putObject("5000/tcp");
        config.set("Labels", appConfig.path("Labels").deepCopy());
        ((ObjectNode) config.get("Labels")).put("dev.gantry.stack", stack.name());
        return store.putImage(layers, config);
    }

    /** The stack's file system as a layer, made once per stack directory (a rebuilt stack is a new one). */
    private static String stackLayer(ImageStore store, DirectoryStack stack) {
        try {
            Path root = stack.rootfs().toRealPath();
            String key = stack.name() + "-" + Files.getLastModifiedTime(root).toMillis() + "-"
                    + Integer.toHexString(root.toString().hashCode());
            Path marker = store.root().resolve("stack-layers").resolve(key);
            if (Files.exists(marker)) {
                String digest = Files.readString(marker).strip();
                if (Files.exists(store.blob(digest))) {
                    return digest;
                }
            }
            Path tar = store.tempFile(".tar");
            try (OutputStream out = Files.newOutputStream(tar)) {
                SlugWriter.writeRoot(root, p -> root.relativize(p).getNameCount() == 1
                        && RUNTIME_DIRS.contains(p.getFileName().toString()), out);
            }
            String digest = store.putLayer(tar);
            Files.createDirectories(marker.getParent());
            Files.writeString(marker, digest);
            return digest;
        } catch (IOException e) {
            throw new BuildException(BuildErrorCode.IO, "write the layer of stack " + stack.name() + ": " + e.getMessage(), e);
        }
    }

    private static String launcherLayer(ImageStore store, Map<String, String> processTypes) {
        Path dir = store.tempFile(".launcher");
        try {
            Files.deleteIfExists(dir);
            Files.createDirectories(dir);
            Path launch = dir.resolve("launch");
            Files.writeString(launch, LAUNCHER);
            launch.toFile().setExecutable(true, false);
            StringBuilder types = new StringBuilder();
            new TreeMap<>(processTypes).forEach((t, c) -> types.append(t).append(": ").append(c.replace('\n', ' ')).append('\n'));
            Files.writeString(dir.resolve("process-types"), types.toString(), StandardCharsets.UTF_8);
            Path tar = store.tempFile(".tar");
            try (OutputStream out = Files.newOutputStream(tar)) {
                SlugWriter.write(dir, "gantry", out);
            }
            return store.putLayer(tar);
        } catch (IOException e) {
            throw new BuildException(BuildErrorCode.IO, "write the launcher layer: " + e.getMessage(), e);
        } finally {
            ImageStore.deleteTree(dir);
        }
    }
}
