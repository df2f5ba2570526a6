package dev.gantry.build.image;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Same tree, same bytes: sorted entries, fixed mtime and owner, whatever the files' own metadata. */
class SlugWriterTest {

    @TempDir
    Path tmp;

    private Path tree(String name, long mtime, List<String> creationOrder) throws Exception {
        Path d = tmp.resolve(name);
        for (String f : creationOrder) {
            Path p = d.resolve(f);
            Files.createDirectories(p.getParent());
            Files.writeString(p, "content of " + f);
            Files.setLastModifiedTime(p, FileTime.fromMillis(mtime));
        }
        Files.createSymbolicLink(d.resolve("link"), Path.of("/etc/hostname"));
        Files.setAttribute(d.resolve("b/run.sh"), "unix:mode", 04755);
        return d;
    }

    private static byte[] slug(Path d) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SlugWriter.write(d, "app", out);
        return out.toByteArray();
    }

    @Test
    void identicalTreesGiveIdenticalBytes() throws Exception {
        byte[] one = slug(tree("one", 1_000_000L, List.of("a.txt", "b/run.sh", "c/d/e.txt", "Z.txt")));
        byte[] two = slug(tree("two", 1_700_000_000_000L, List.of("c/d/e.txt", "Z.txt", "b/run.sh", "a.txt")));
        assertArrayEquals(one, two);

        List<String> names = new ArrayList<>();
        try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(one))) {
            TarArchiveEntry e;
            while ((e = in.getNextEntry()) != null) {
                names.add(e.getName());
                assertEquals(0, e.getModTime().getTime());
                assertEquals(1000, e.getLongUserId());
                assertEquals(1000, e.getLongGroupId());
                if (e.getName().equals("app/b/run.sh")) {
                    assertEquals(0755, e.getMode() & 07777, "setuid dropped");
                }
            }
        }
        assertEquals(List.of("app/", "app/Z.txt", "app/a.txt", "app/b/", "app/b/run.sh", "app/c/", "app/c/d/",
                "app/c/d/e.txt", "app/link"), names);
        assertTrue(Digests.of(one).startsWith("sha256:"));
    }
}
