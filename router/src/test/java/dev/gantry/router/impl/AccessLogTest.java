package dev.gantry.router.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AccessLogTest {

    @Test
    void aFullFileIsRotatedSoTheLogNeverFillsTheDisk(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("access.log");
        try (AccessLog log = AccessLog.open(file.toString(), 1000)) {
            for (int i = 0; i < 100; i++) {
                log.log("{\"n\":" + i + ",\"padding\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}");
            }
        }
        assertTrue(Files.size(file) <= 1100, "the live file stays near its cap: " + Files.size(file));
        assertTrue(Files.exists(dir.resolve("access.log.1")), "the previous part is kept once");
        String last = Files.readAllLines(file).get(Files.readAllLines(file).size() - 1);
        assertTrue(last.startsWith("{\"n\":99,"), last);
        assertEquals(2, Files.list(dir).count(), "only the file and one rotated part");
    }
}
