package dev.gantry.build.image;

import dev.gantry.build.BuildErrorCode;
import dev.gantry.build.BuildException;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Hostile tars never write outside the destination. */
class SafeUnpackerTest {

    @TempDir
    Path tmp;

    /** Builds a tar; each entry is {type, name, linkOrContent}. */
    private static byte[] tar(String[]... entries) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream t = new TarArchiveOutputStream(bytes)) {
            t.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (String[] e : entries) {
                TarArchiveEntry en;
                switch (e[0]) {
                    case "dir" -> en = new TarArchiveEntry(e[1], TarConstants.LF_DIR, true);
                    case "sym" -> {
                        en = new TarArchiveEntry(e[1], TarConstants.LF_SYMLINK, true);
                        en.setLinkName(e[2]);
                    }
                    case "hard" -> {
                        en = new TarArchiveEntry(e[1], TarConstants.LF_LINK, true);
                        en.setLinkName(e[2]);
                    }
                    case "chr" -> en = new TarArchiveEntry(e[1], TarConstants.LF_CHR, true);
                    default -> {
                        en = new TarArchiveEntry(e[1], TarConstants.LF_NORMAL, true);
                        en.setSize(e[2].getBytes(StandardCharsets.UTF_8).length);
                    }
                }
                en.setMode(e[0].equals("dir") ? 040755 : 0100644);
                t.putArchiveEntry(en);
                if (e[0].equals("file")) {
                    t.write(e[2].getBytes(StandardCharsets.UTF_8));
                }
                t.closeArchiveEntry();
            }
        }
        return bytes.toByteArray();
    }

    private BuildException refused(byte[] tar) {
        BuildException e = assertThrows(BuildException.class,
                () -> SafeUnpacker.unpack(new ByteArrayInputStream(tar), tmp.resolve("dest")));
        assertEquals(BuildErrorCode.UNSAFE_CONTENT, e.code(), e.getMessage());
        return e;
    }

    @Test
    void dotDotIsRefused() throws Exception {
        refused(tar(new String[] {"file", "app/../../escape.txt", "x"}));
        assertFalse(Files.exists(tmp.resolve("escape.txt")));
    }

    @Test
    void absolutePathIsRefused() throws Exception {
        refused(tar(new String[] {"file", "/tmp/escape-" + System.nanoTime(), "x"}));
    }

    @Test
    void writingThroughASymlinkIsRefused() throws Exception {
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        refused(tar(new String[] {"sym", "app/link", outside.toString()},
                new String[] {"file", "app/link/pwned.txt", "x"}));
        assertFalse(Files.exists(outside.resolve("pwned.txt")));
    }

    @Test
    void replacingAFileWithASymlinkThenWritingItDoesNotFollow() throws Exception {
        Path outside = tmp.resolve("victim.txt");
        Files.writeString(outside, "original");
        SafeUnpacker.unpack(new ByteArrayInputStream(tar(new String[] {"sym", "app/f", outside.toString()},
                new String[] {"file", "app/f", "overwritten"})), tmp.resolve("dest"));
        assertEquals("original", Files.readString(outside));
        assertEquals("overwritten", Files.readString(tmp.resolve("dest/app/f")));
    }

    @Test
    void hardlinkToOutsideIsRefused() throws Exception {
        Path outside = tmp.resolve("secret.txt");
        Files.writeString(outside, "secret");
        refused(tar(new String[] {"hard", "app/h", "../secret.txt"}));
        refused(tar(new String[] {"hard", "app/h", outside.toString()}));
    }

    @Test
    void deviceFilesAreRefused() throws Exception {
        refused(tar(new String[] {"chr", "app/mem", ""}));
    }

    @Test
    void normalLayerUnpacksWithLinksKeptAsLinks() throws Exception {
        SafeUnpacker.unpack(new ByteArrayInputStream(tar(new String[] {"dir", "app/", ""},
                new String[] {"file", "app/a.txt", "hello"},
                new String[] {"sym", "app/etc-passwd", "/etc/passwd"},
                new String[] {"hard", "app/b.txt", "app/a.txt"})), tmp.resolve("dest"));
        assertEquals("hello", Files.readString(tmp.resolve("dest/app/b.txt")));
        assertTrue(Files.isSymbolicLink(tmp.resolve("dest/app/etc-passwd")));
        assertEquals("/etc/passwd", Files.readSymbolicLink(tmp.resolve("dest/app/etc-passwd")).toString());
    }
}
