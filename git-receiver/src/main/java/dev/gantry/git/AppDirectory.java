package dev.gantry.git;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Knows which apps exist and where each one's bare repository lives. Implemented by the platform.
 *
 * <p>Contract: {@link #repository(AppRef)} returns the directory of the app's bare repository when
 * the tenant {@code app.tenant()} has an app {@code app.app()}, and empty otherwise. The directory
 * need not exist yet: git-receiver creates the bare repository on first use (HEAD pointing at
 * {@code refs/heads/main}). Two different apps must never share a directory.
 */
@FunctionalInterface
public interface AppDirectory {

    Optional<Path> repository(AppRef app);
}
