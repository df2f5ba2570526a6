package dev.gantry.engine.net;

import dev.gantry.engine.EngineException;
import dev.gantry.engine.ErrorCode;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Allocation rules without a kernel: lowest free first, never twice, slices per tenant. */
class IpamDataTest {

    private final NetworkSettings s = new NetworkSettings(Cidr.parse("10.88.0.0/16"), 24, List.of(), Path.of("/unused"));

    @Test
    void lowestFreeFirstNeverTwiceAndReusedAfterRelease() {
        IpamData d = new IpamData();
        Attachment a = d.allocate("/s", "a", "acme", false, s);
        Attachment b = d.allocate("/s", "b", "acme", true, s);
        assertEquals("10.88.0.2", a.address());
        assertEquals("10.88.0.3", b.address());
        assertEquals("10.88.0.1", a.gateway());
        assertEquals(24, a.prefix());
        assertEquals(a.bridge(), b.bridge());
        assertNotEquals(a.hostVeth(), b.hostVeth());
        assertTrue(a.hostVeth().length() <= 15 && a.bridge().length() <= 15);
        assertNull(d.release(a), "acme still has b: its bridge stays");
        assertEquals("10.88.0.2", d.allocate("/s", "c", "acme", false, s).address(), "freed address reused");
    }

    @Test
    void tenantsGetTheirOwnSliceAndBridgeAndFreeThemWithTheirLastContainer() {
        IpamData d = new IpamData();
        Attachment a = d.allocate("/s", "a", "acme", false, s);
        Attachment b = d.allocate("/s", "b", "globex", false, s);
        assertEquals("10.88.1.2", b.address());
        assertNotEquals(a.bridge(), b.bridge());
        assertEquals(a.bridge(), d.release(a), "last container of acme: its bridge goes");
        assertEquals("10.88.0.2", d.allocate("/s", "c", "initech", false, s).address(), "slice 0 reused");
    }

    @Test
    void sameIdInAnotherStateRootIsAnotherContainerButNotTwiceInOne() {
        IpamData d = new IpamData();
        d.allocate("/s1", "web.1", "acme", false, s);
        d.allocate("/s2", "web.1", "acme", false, s);
        assertEquals(2, d.attachments.size());
        assertThrows(EngineException.class, () -> d.allocate("/s1", "web.1", "acme", false, s));
    }

    @Test
    void exhaustedSliceAndSubnetAreClearErrors() {
        NetworkSettings tiny = new NetworkSettings(Cidr.parse("10.88.0.0/29"), 30, List.of(), Path.of("/unused"));
        IpamData d = new IpamData();
        d.allocate("/s", "a", "acme", false, tiny); // a /30 has one usable container address
        EngineException e = assertThrows(EngineException.class, () -> d.allocate("/s", "b", "acme", false, tiny));
        assertEquals(ErrorCode.NETWORK, e.code());
        assertTrue(e.getMessage().contains("no free address"), e.getMessage());
        d.allocate("/s", "c", "globex", false, tiny);
        e = assertThrows(EngineException.class, () -> d.allocate("/s", "d", "initech", false, tiny));
        assertTrue(e.getMessage().contains("no free /30"), e.getMessage());
    }

    @Test
    void interfaceNamesAreShortStableAndUnique() {
        Set<String> taken = new HashSet<>();
        String n1 = IpamData.uniqueName("gt-", "acme", 10, taken);
        assertEquals(n1, IpamData.uniqueName("gt-", "acme", 10, taken), "stable");
        taken.add(n1);
        String n2 = IpamData.uniqueName("gt-", "acme", 10, taken);
        assertNotEquals(n1, n2, "re-salted on a clash");
        assertTrue(n1.matches("gt-[0-9a-f]{10}"), n1);
    }
}
