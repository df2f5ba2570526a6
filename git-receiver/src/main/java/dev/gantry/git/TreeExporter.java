package dev.gantry.git;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * Writes a commit's tree into a directory, the way {@code git archive | tar x} would: regular files
 * (0644), executables (0755), symlinks as symlinks; submodules (gitlinks) are skipped because their
 * commits are not in this repository.
 */
final class TreeExporter {

    private TreeExporter() {
    }

    /** Exports {@code commitId}'s tree into the empty directory {@code target}; returns the number of entries written. */
    static int export(Repository repo, ObjectId commitId, Path target, ProgressSink progress) throws IOException {
        Path root = target.toAbsolutePath().normalize();
        int written = 0;
        try (RevWalk walk = new RevWalk(repo); ObjectReader reader = repo.newObjectReader();
             TreeWalk tree = new TreeWalk(reader)) {
            RevCommit commit = walk.parseCommit(commitId);
            tree.addTree(commit.getTree());
            tree.setRecursive(true);
            while (tree.next()) {
                Path file = root.resolve(tree.getPathString()).normalize();
                // fsck on receive already refuses "..", ".git" and absolute names; this is the
                // second fence, so no tree can make us write outside the export directory.
                if (!file.startsWith(root) || file.equals(root)) {
                    throw new GitReceiveException(GitReceiveException.Code.REJECTED,
                            "refusing path outside the source tree: " + tree.getPathString());
                }
                FileMode mode = tree.getFileMode(0);
                ObjectId id = tree.getObjectId(0);
                Files.createDirectories(file.getParent());
                if (mode == FileMode.GITLINK) {
                    progress.line("Skipping submodule " + tree.getPathString() + " (submodules are not fetched)");
                    continue;
                }
                if (mode == FileMode.SYMLINK) {
                    String linkTarget = new String(reader.open(id, Constants.OBJ_BLOB).getBytes(), StandardCharsets.UTF_8);
                    Files.createSymbolicLink(file, Path.of(linkTarget));
                } else {
                    try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE_NEW)) {
                        reader.open(id, Constants.OBJ_BLOB).copyTo(out);
                    }
                    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(
                            mode == FileMode.EXECUTABLE_FILE ? "rwxr-xr-x" : "rw-r--r--"));
                }
                written++;
            }
        }
        return written;
    }

    /** Deletes a directory tree without following symlinks (an exported link may point anywhere). */
    static void deleteRecursively(Path dir) {
        if (dir == null || !Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // Best effort: a leftover temp file must not fail a deploy that already ended.
                }
            });
        } catch (IOException e) {
            // Same reason as above.
        }
    }
}
