package dev.gantry.build.image;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The OCI layout: content addressing, shared layers stored once, unpack-once, gc keeping what is asked. */
class ImageStoreTest {

    @TempDir
    Path tmp;

    private Path app(String name, String content) throws Exception {
        Path d = tmp.resolve(name);
        Files.createDirectories(d);
        Files.writeString(d.resolve("server.js"), content);
        return d;
    }

    @Test
    void putGetShareAndGc() throws Exception {
        ImageStore store = new ImageStore(tmp.resolve("images"));
        Path a = app("a", "v1");
        String one = store.put(store.writeSlug(a), List.of("HOME=/app"), "/app", Map.of("web", "node server.js"), List.of("Node.js"));
        // Same layer, other process types: a second image sharing the layer blob.
        String two = store.put(store.writeSlug(a), List.of("HOME=/app"), "/app", Map.of("web", "node other.js"), List.of("Node.js"));
        assertNotEquals(one, two);
        String three = store.put(store.writeSlug(app("b", "v2")), List.of(), "/app", Map.of(), List.of());
        assertEquals(List.of(one, two, three), store.list());
        assertTrue(Files.exists(tmp.resolve("images/oci-layout")));
        // 2 layers + 3 configs + 3 manifests
        try (var s = Files.list(tmp.resolve("images/blobs/sha256"))) {
            assertEquals(8, s.count());
        }

        var img = store.get(one);
        assertEquals(Map.of("web", "node server.js"), img.processTypes());
        assertEquals(List.of("Node.js"), img.buildpacks());
        assertEquals("/app", img.workingDir());
        assertEquals("v1", Files.readString(img.layerDirs().get(0).resolve("app/server.js")));
        assertEquals(img.layerDirs(), store.get(two).layerDirs(), "one unpacked copy per layer digest");

        int removed = store.gc(Set.of(two));
        assertEquals(5, removed, "the configs and manifests of one and three, and three's layer");
        assertEquals(List.of(two), store.list());
        assertTrue(Files.isDirectory(img.layerDirs().get(0)), "the shared layer stays");
        assertEquals(Map.of("web", "node other.js"), store.get(two).processTypes());
        assertFalse(Files.exists(tmp.resolve("images/blobs/sha256").resolve(Digests.hex(one))));
    }
}
