package dev.gantry.engine.net;

import dev.gantry.engine.EngineException;
import dev.gantry.engine.ErrorCode;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Settings from the environment and the /etc files a container gets. */
class NetworkConfigTest {

    @Test
    void settingsDefaultAndParse() {
        NetworkSettings d = NetworkSettings.from(k -> null);
        assertEquals("10.88.0.0/16", d.subnet().toString());
        assertEquals(24, d.tenantPrefix());
        assertEquals(List.of(), d.allowedHostPorts());
        assertEquals(Path.of("/var/lib/gantry/net"), d.stateDir());
        Map<String, String> env = Map.of("SUBNET", "172.30.0.0/16", "TENANT_PREFIX", "26", "HOST_PORTS", "53, 9000",
                "STATE", "/tmp/x");
        NetworkSettings s = NetworkSettings.from(env::get);
        assertEquals("172.30.0.0/16", s.subnet().toString());
        assertEquals(26, s.tenantPrefix());
        assertEquals(List.of(53, 9000), s.allowedHostPorts());
        EngineException e = assertThrows(EngineException.class, () -> NetworkSettings.from(Map.of("SUBNET", "nonsense")::get));
        assertEquals(ErrorCode.NETWORK, e.code());
        assertTrue(e.getMessage().contains("GANTRY_NET_SUBNET=nonsense"), e.getMessage());
        assertThrows(EngineException.class, () -> NetworkSettings.from(Map.of("TENANT_PREFIX", "8")::get));
        assertThrows(EngineException.class, () -> NetworkSettings.from(Map.of("HOST_PORTS", "70000")::get));
    }

    @Test
    void resolvConfDropsLoopbackServersAndFallsBack() {
        String r = EtcFiles.resolvConf(List.of("# comment", "nameserver 127.0.0.53", "nameserver 10.255.255.53",
                "search example.org", "options ndots:2"));
        assertEquals("nameserver 10.255.255.53\nsearch example.org\noptions ndots:2\n", r);
        String fallback = EtcFiles.resolvConf(List.of("nameserver 127.0.0.53", "nameserver ::1"));
        assertTrue(fallback.startsWith("nameserver 8.8.8.8\nnameserver 1.1.1.1\n"), fallback);
        assertFalse(fallback.contains("127.0.0.53"));
    }

    @Test
    void setElementKeysAreLaidOutAsNftStoresThem() {
        byte[] pair = Firewall.ifnamePair("gt-0123456789");
        assertEquals(32, pair.length);
        assertEquals('g', pair[0]);
        assertEquals(0, pair[13]);
        assertEquals('g', pair[16]);
        assertEquals(List.of(10, 88, 1, 2), List.of((int) Firewall.ipv4("10.88.1.2")[0], (int) Firewall.ipv4("10.88.1.2")[1],
                (int) Firewall.ipv4("10.88.1.2")[2], (int) Firewall.ipv4("10.88.1.2")[3]));
    }

    @Test
    void hostsNamesTheContainer() {
        String h = EtcFiles.hosts("web-1", "10.88.0.2");
        assertTrue(h.contains("127.0.0.1\tlocalhost\n"));
        assertTrue(h.endsWith("10.88.0.2\tweb-1\n"));
    }
}
