package dev.gantry.git;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class AppRefTest {

    @Test
    void namesAreDnsLabels() {
        assertEquals("acme/web-2", new AppRef("acme", "web-2").toString());
        for (String bad : new String[] {"", "Web", "-web", "web-", "we_b", "..", "a/b", "a".repeat(64)}) {
            GitReceiveException e = assertThrows(GitReceiveException.class, () -> new AppRef("acme", bad), bad);
            assertEquals(GitReceiveException.Code.BAD_REQUEST, e.code());
        }
        assertThrows(GitReceiveException.class, () -> new AppRef(null, "web"));
    }
}
