package dev.gantry.platform.quota;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;

import dev.gantry.platform.api.ApiException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ResourcesTest {

    @ParameterizedTest
    @CsvSource({"512M,512", "512m,512", "512MB,512", "2G,2048", "2gb,2048", "1Gi,1024", "300,300", " 64M ,64"})
    void memoryIsWrittenAsPeopleWriteIt(String text, int mb) {
        assertEquals(mb, Resources.parseMemoryMb("size", text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "lots", "1.5G", "-5M", "12K", "8M", "2048G"})
    void nonsenseAndExtremesAreRefused(String text) {
        ApiException e = assertThrows(ApiException.class, () -> Resources.parseMemoryMb("size", text));
        assertEquals(422, e.status());
    }

    @Test
    void memoryIsShownInItsShortestExactForm() {
        assertEquals("512M", Resources.formatMemory(512));
        assertEquals("2G", Resources.formatMemory(2048));
        assertEquals("1536M", Resources.formatMemory(1536));
        assertEquals("0M", Resources.formatMemory(0));
    }

    @Test
    void cpusAreMillicpus() {
        assertEquals(250, Resources.parseMillicpus("cpus", new BigDecimal("0.25")));
        assertEquals(2000, Resources.parseMillicpus("cpus", BigDecimal.valueOf(2)));
        assertEquals(1, Resources.parseMillicpus("cpus", new BigDecimal("0.0001")));
        assertEquals(new BigDecimal("0.5"), Resources.formatCpus(500));
        assertEquals(422, assertThrows(ApiException.class,
                () -> Resources.parseMillicpus("cpus", BigDecimal.ZERO)).status());
    }
}
