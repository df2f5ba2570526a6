package dev.gantry.platform;

import java.nio.file.Path;

/** Where Gantry keeps things on disk; the one place that reads the directory settings. */
public final class Directories {

    private Directories() {
    }

    /** {@code GANTRY_DATA_DIR}, else {@code ~/.gantry}: git repos, images, container state and the database. */
    public static Path dataDir() {
        String configured = System.getenv("GANTRY_DATA_DIR");
        Path dir = configured != null && !configured.isBlank()
                ? Path.of(configured)
                : Path.of(System.getProperty("user.home"), ".gantry");
        return dir.toAbsolutePath().normalize();
    }

    /**
     * {@code GANTRY_CACHE_DIR}, else {@code $XDG_CACHE_HOME/gantry} or {@code ~/.cache/gantry}: downloads and
     * unpacked programs shared by every data directory (and by test runs), safe to delete.
     */
    public static Path cacheDir() {
        String configured = System.getenv("GANTRY_CACHE_DIR");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("gantry");
    }
}
