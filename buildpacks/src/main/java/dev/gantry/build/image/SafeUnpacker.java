package dev.gantry.build.image;

import dev.gantry.build.BuildErrorCode;
import dev.gantry.build.BuildException;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;

/**
 * Unpacks a tar layer into an empty directory without ever writing outside it: names with {@code ..}
 * components or absolute names are refused, no entry is written through a symlink (every parent
 * directory on the way is checked not to be a symlink, files are created with O_NOFOLLOW|O_EXCL),
 * hardlinks must name an earlier regular file inside the tree, device files and fifos are refused.
 * Symlink targets are stored as they are: they are resolved inside the container, never on the host.
 * Owners are set to the entry's uid/gid when running as root.
 */
public final class SafeUnpacker {

    private SafeUnpacker() {
    }

    public static void unpack(InputStream in, Path dest) {
        boolean root = "root".equals(System.getProperty("user.name"));
        try {
            Files.createDirectories(dest);
            Path base = dest.toRealPath();
            TarArchiveInputStream tar = new TarArchiveInputStream(in);
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                Path target = resolve(base, e.getName());
                if (target.equals(base)) {
                    continue;
                }
                checkParents(base, target.getParent());
                if (e.isDirectory()) {
                    if (Files.isSymbolicLink(target)) {
                        throw unsafe(e.getName(), "a directory entry over an existing symlink");
                    }
                    Files.createDirectories(target);
                } else if (e.isSymbolicLink()) {
                    Files.deleteIfExists(target);
                    Files.createSymbolicLink(target, Path.of(e.getLinkName()));
                } else if (e.isLink()) {
                    Path source = resolve(base, e.getLinkName());
                    checkParents(base, source.getParent());
                    if (!Files.isRegularFile(source, LinkOption.NOFOLLOW_LINKS)) {
                        throw unsafe(e.getName(), "a hardlink to " + e.getLinkName() + ", which is not a file in the layer");
                    }
                    Files.deleteIfExists(target);
                    Files.createLink(target, source);
                    continue;
                } else if (isRegular(e)) {
                    Files.deleteIfExists(target);
                    try (OutputStream out = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW,
                            StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
                        tar.transferTo(out);
                    }
                } else {
                    throw unsafe(e.getName(), "a device file, fifo or other special entry");
                }
                if (!e.isSymbolicLink()) {
                    Files.setPosixFilePermissions(target, perms(e.getMode()));
                    Files.setLastModifiedTime(target, FileTime.fromMillis(e.getModTime().getTime()));
                }
                if (root) {
                    Files.setAttribute(target, "unix:uid", (int) e.getLongUserId(), LinkOption.NOFOLLOW_LINKS);
                    Files.setAttribute(target, "unix:gid", (int) e.getLongGroupId(), LinkOption.NOFOLLOW_LINKS);
                }
            }
        } catch (FileAlreadyExistsException e) {
            throw new BuildException(BuildErrorCode.UNSAFE_CONTENT, "layer entry exists twice or over a link: " + e.getFile(), e);
        } catch (IOException e) {
            throw new BuildException(BuildErrorCode.IO, "unpack into " + dest + ": " + e.getMessage(), e);
        }
    }

    /** isFile() of commons-compress also says yes for devices and fifos: look at the type flag itself. */
    private static boolean isRegular(TarArchiveEntry e) {
        return !e.isCharacterDevice() && !e.isBlockDevice() && !e.isFIFO()
                && (e.isFile() && (e.getLinkFlag() == TarConstants.LF_NORMAL || e.getLinkFlag() == TarConstants.LF_OLDNORM
                || e.getLinkFlag() == TarConstants.LF_CONTIG));
    }

    /** The entry's path inside base, refusing absolute names and any {@code ..} component. */
    static Path resolve(Path base, String name) {
        if (name.startsWith("/") || name.contains("\0")) {
            throw unsafe(name, "an absolute path");
        }
        for (String part : name.split("/")) {
            if (part.equals("..")) {
                throw unsafe(name, "a '..' component");
            }
        }
        Path p = base.resolve(name).normalize();
        if (!p.startsWith(base)) {
            throw unsafe(name, "a path outside the layer");
        }
        return p;
    }

    /** No directory between base and dir may be a symlink: writing through one could leave the tree. */
    private static void checkParents(Path base, Path dir) throws IOException {
        Path rel = base.relativize(dir);
        Path cur = base;
        for (Path part : rel) {
            if (part.toString().isEmpty()) {
                continue;
            }
            cur = cur.resolve(part);
            if (Files.isSymbolicLink(cur)) {
                throw unsafe(base.relativize(cur).toString(), "a symlink used as a directory");
            }
            if (!Files.exists(cur, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectory(cur);
            }
        }
    }

    private static Set<PosixFilePermission> perms(int mode) {
        Set<PosixFilePermission> s = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] all = PosixFilePermission.values();
        for (int i = 0; i < 9; i++) {
            if ((mode & (1 << (8 - i))) != 0) {
                s.add(all[i]);
            }
        }
        return s;
    }

    private static BuildException unsafe(String name, String why) {
        return new BuildException(BuildErrorCode.UNSAFE_CONTENT, "refusing layer entry " + name + ": " + why);
    }
}
