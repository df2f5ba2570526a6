package dev.gantry.engine.net;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CidrTest {

    @Test
    void parsesNormalisesAndFormats() {
        assertEquals("10.88.0.0/16", Cidr.parse("10.88.7.9/16").toString());
        assertEquals("0.0.0.0/0", Cidr.parse("1.2.3.4/0").toString());
        assertEquals("255.255.255.255", Cidr.format(Cidr.parseAddress("255.255.255.255")));
        assertThrows(IllegalArgumentException.class, () -> Cidr.parse("10.88.0.0"));
        assertThrows(IllegalArgumentException.class, () -> Cidr.parse("10.300.0.0/16"));
        assertThrows(IllegalArgumentException.class, () -> Cidr.parse("10.0.0.0/33"));
    }

    @Test
    void subnetsContainmentAndOverlap() {
        Cidr net = Cidr.parse("10.88.0.0/16");
        assertEquals("10.88.0.0/24", net.subnet(0, 24).toString());
        assertEquals("10.88.255.0/24", net.subnet(255, 24).toString());
        assertThrows(IllegalArgumentException.class, () -> net.subnet(256, 24));
        assertEquals(256, net.subnetCount(24));
        assertEquals("10.88.3.1", Cidr.format(net.subnet(3, 24).at(1)));
        assertTrue(net.contains(Cidr.parseAddress("10.88.200.1")));
        assertFalse(net.contains(Cidr.parseAddress("10.89.0.1")));
        assertTrue(net.overlaps(Cidr.parse("10.0.0.0/8")));
        assertTrue(net.overlaps(Cidr.parse("10.88.5.0/24")));
        assertFalse(net.overlaps(Cidr.parse("192.168.0.0/16")));
    }
}
