package dev.gantry.build;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Copies an exported source tree into the build dir without ever following a symlink on the host: links
 * are copied as links (whatever they point at is resolved later inside the build container, which holds
 * nothing of the host but the stack), special files are skipped, {@code .git} is left out. Then everything
 * is handed to the build user.
 */
final class SourceCopier {

    private SourceCopier() {
    }

    static void copy(Path src, Path dst, int uid) {
        try {
            Path from = src.toRealPath();
            Files.walkFileTree(from, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                    if (!dir.equals(from) && dir.getFileName().toString().equals(".git")) {
                        return FileVisitResult.SKIP_SUBTREE;
                    }
                    Path d = dst.resolve(from.relativize(dir).toString());
                    Files.createDirectories(d);
                    chown(d, uid);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Path d = dst.resolve(from.relativize(file).toString());
                    if (attrs.isSymbolicLink()) {
                        Files.createSymbolicLink(d, Files.readSymbolicLink(file));
                    } else if (attrs.isRegularFile()) {
                        Files.copy(file, d, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
                    } else {
                        return FileVisitResult.CONTINUE;
                    }
                    chown(d, uid);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new BuildException(BuildErrorCode.IO, "copy source " + src + ": " + e.getMessage(), e);
        }
    }

    static void chown(Path p, int uid) throws IOException {
        Files.setAttribute(p, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(p, "unix:gid", uid, LinkOption.NOFOLLOW_LINKS);
    }

    static void chownTree(Path root, int uid) {
        try (var s = Files.walk(root)) {
            for (Path p : s.toList()) {
                chown(p, uid);
            }
        } catch (IOException e) {
            throw new BuildException(BuildErrorCode.IO, "chown " + root + ": " + e.getMessage(), e);
        }
    }
}
