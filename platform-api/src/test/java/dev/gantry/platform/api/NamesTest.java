package dev.gantry.platform.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NamesTest {

    @ParameterizedTest
    @ValueSource(strings = {"a", "web", "my-app", "0day", "a1-b2", "x23456789012345678901234567890123456789012345678901234567890123"})
    void dnsLabelsAreAccepted(String name) {
        assertEquals(name, Names.requireDnsLabel("app", name));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "-a", "a-", "A", "a_b", "a.b", "a b", "ü",
            "x234567890123456789012345678901234567890123456789012345678901234"})
    void everythingElseIsRefusedWith422(String name) {
        ApiException e = assertThrows(ApiException.class, () -> Names.requireDnsLabel("app", name));
        assertEquals(422, e.status());
        assertTrue(e.getMessage().contains("app name"), e.getMessage());
    }

    @Test
    void uppercaseGetsAHint() {
        ApiException e = assertThrows(ApiException.class, () -> Names.requireDnsLabel("tenant", "Acme"));
        assertTrue(e.getMessage().contains("lowercase"), e.getMessage());
    }

    @Test
    void nullIsRequiredNotInvalid() {
        ApiException e = assertThrows(ApiException.class, () -> Names.requireDnsLabel("tenant", null));
        assertTrue(e.getMessage().contains("name is required"), e.getMessage());
    }
}
