package dev.gantry.build.image;

import dev.gantry.build.BuildErrorCode;
import dev.gantry.build.BuildException;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Writes a directory as a deterministic tar layer: entries sorted by path, every entry under a fixed
 * prefix ({@code app/}), mtime 0, owner 1000:1000 with empty names, permissions reduced to rwx bits
 * (no setuid/setgid/sticky), PAX headers for long names. The same tree gives the same bytes, so the
 * same layer digest. Symlinks are stored as symlinks and never followed; sockets, fifos and device
 * files are left out; hardlinks are stored as plain copies.
 */
public final class SlugWriter {

    public static final int OWNER = 1000;

    private SlugWriter() {
    }

    /** Writes {@code dir}'s content under {@code prefix} (e.g. "app") to {@code out}; returns the entry count. */
    public static int write(Path dir, String prefix, OutputStream out) {
        return write(dir, prefix, OWNER, p -> false, out);
    }

    /**
     * Writes a whole root file system (a stack) as a layer: entries at the top (no prefix), owned by root,
     * with the same determinism; {@code skip} leaves paths out (their directory stays, empty).
     */
    public static int writeRoot(Path dir, java.util.function.Predicate<Path> skip, OutputStream out) {
        return write(dir, "", 0, skip, out);
    }

    private static int write(Path dir, String prefix, int owner, java.util.function.Predicate<Path> skip,
                             OutputStream out) {
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out, 10240)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            tar.setAddPaxHeadersForNonAsciiNames(true);
            int count = 0;
            if (!prefix.isEmpty()) {
                TarArchiveEntry root = new TarArchiveEntry(prefix + "/", TarConstants.LF_DIR, false);
                fix(root, 0755, owner);
                tar.putArchiveEntry(root);
                tar.closeArchiveEntry();
                count++;
            }
            for (Path p : sorted(dir, skip)) {
                count += entry(tar, dir, p, prefix, owner);
            }
            tar.finish();
            return count;
        } catch (IOException e) {
            throw new BuildException(BuildErrorCode.IO, "write slug of " + dir + ": " + e.getMessage(), e);
        }
    }

    /** All paths below dir, depth first, children sorted by name (byte order of the UTF-8 name). */
    private static List<Path> sorted(Path dir, java.util.function.Predicate<Path> skip) throws IOException {
        List<Path> out = new ArrayList<>();
        walk(dir, out, skip);
        return out;
    }

    private static void walk(Path dir, List<Path> out, java.util.function.Predicate<Path> skip) throws IOException {
        List<Path> children;
        try (Stream<Path> s = Files.list(dir)) {
            children = new ArrayList<>(s.toList());
        }
        children.sort((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()));
        for (Path c : children) {
            out.add(c);
            if (Files.isDirectory(c, LinkOption.NOFOLLOW_LINKS) && !skip.test(c)) {
                walk(c, out, skip);
            }
        }
    }

    private static int entry(TarArchiveOutputStream tar, Path base, Path p, String prefix, int owner) throws IOException {
        String name = (prefix.isEmpty() ? "" : prefix + "/") + base.relativize(p).toString();
        PosixFileAttributes a = Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        int mode = mode(a.permissions());
        TarArchiveEntry e;
        if (a.isSymbolicLink()) {
            e = new TarArchiveEntry(name, TarConstants.LF_SYMLINK, false);
            e.setLinkName(Files.readSymbolicLink(p).toString());
            fix(e, 0777, owner);
            tar.putArchiveEntry(e);
            tar.closeArchiveEntry();
        } else if (a.isDirectory()) {
            e = new TarArchiveEntry(name + "/", TarConstants.LF_DIR, false);
            fix(e, mode, owner);
            tar.putArchiveEntry(e);
            tar.closeArchiveEntry();
        } else if (a.isRegularFile()) {
            e = new TarArchiveEntry(name, TarConstants.LF_NORMAL, false);
            fix(e, mode, owner);
            e.setSize(a.size());
            tar.putArchiveEntry(e);
            Files.copy(p, tar);
            tar.closeArchiveEntry();
        } else {
            return 0; // sockets, fifos, devices never go into a slug
        }
        return 1;
    }

    private static void fix(TarArchiveEntry e, int mode, int owner) {
        e.setMode((e.isDirectory() ? 040000 : e.isSymbolicLink() ? 0120000 : 0100000) | mode);
        e.setModTime(new Date(0));
        e.setUserId(owner);
        e.setGroupId(owner);
        e.setUserName("");
        e.setGroupName("");
    }

    private static int mode(Set<PosixFilePermission> perms) {
        int m = 0;
        for (PosixFilePermission p : perms) {
            m |= 1 << (8 - p.ordinal());
        }
        return m;
    }
}
