package dev.gantry.engine;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Finds the gantry-shim executable: the {@code gantry.engine.shim} system property, then the
 * {@code GANTRY_ENGINE_SHIM} environment variable, then {@code gantry-shim} next to the jar
 * (or classes dir) or one level up (for jars in lib/); finally the copy inside the jar,
 * extracted once into the state dir under a content-addressed name.
 */
final class ShimBinary {

    static final String RESOURCE = "/dev/gantry/engine/native/gantry-shim";

    private ShimBinary() {
    }

    static Path locate(Path stateRoot) {
        String prop = System.getProperty("gantry.engine.shim");
        if (prop != null && !prop.isBlank()) {
            return executable(Path.of(prop), "system property gantry.engine.shim");
        }
        String env = System.getenv("GANTRY_ENGINE_SHIM");
        if (env != null && !env.isBlank()) {
            return executable(Path.of(env), "GANTRY_ENGINE_SHIM");
        }
        Path near = nextToCode();
        if (near != null) {
            return near;
        }
        return extract(stateRoot.resolve(".shim"));
    }

    private static Path executable(Path p, String origin) {
        if (!Files.isExecutable(p)) {
            throw new EngineException(ErrorCode.IO, origin + " names " + p + ", which is not an executable file");
        }
        return p;
    }

    private static Path nextToCode() {
        try {
            var src = ShimBinary.class.getProtectionDomain().getCodeSource();
            if (src == null) {
                return null;
            }
            Path code = Path.of(src.getLocation().toURI());
            for (Path dir = code.getParent(); dir != null && dir.getNameCount() >= code.getNameCount() - 2;
                 dir = dir.getParent()) {
                Path candidate = dir.resolve("gantry-shim");
                if (Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        } catch (URISyntaxException | SecurityException | IllegalArgumentException e) {
            return null;
        }
        return null;
    }

    private static Path extract(Path dir) {
        try (InputStream in = ShimBinary.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new EngineException(ErrorCode.IO, "gantry-shim not found: set -Dgantry.engine.shim or GANTRY_ENGINE_SHIM");
            }
            byte[] bytes = in.readAllBytes();
            String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)).substring(0, 16);
            Path target = dir.resolve("gantry-shim-" + hash);
            if (!Files.isExecutable(target)) {
                Files.createDirectories(dir);
                Path tmp = Files.createTempFile(dir, "shim", ".tmp");
                Files.write(tmp, bytes);
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
            return target;
        } catch (IOException | NoSuchAlgorithmException e) {
            throw new EngineException(ErrorCode.IO, "extract gantry-shim into " + dir + ": " + e.getMessage(), e);
        }
    }
}
