package dev.gantry.build.image;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * An image as the launcher needs it: its manifest digest, the environment and working directory of its
 * config, the process types (type → command), the buildpacks that built it, and its layers unpacked on
 * disk, topmost first, ready to be overlay lower layers above the stack. A portable image (see
 * {@link PortableImages}) carries its stack as its lowest layer and names its launcher as {@code entrypoint};
 * for the others the entrypoint is empty and the stack comes from the host.
 */
public record Image(String digest, List<String> env, String workingDir, Map<String, String> processTypes,
                    List<String> buildpacks, List<Path> layerDirs, List<String> entrypoint) {

    public Image {
        env = List.copyOf(env);
        entrypoint = List.copyOf(entrypoint);
        processTypes = Map.copyOf(processTypes);
        buildpacks = List.copyOf(buildpacks);
        layerDirs = List.copyOf(layerDirs);
    }

    /** Whether the image runs by itself, its stack included. */
    public boolean portable() {
        return !entrypoint.isEmpty();
    }
}
