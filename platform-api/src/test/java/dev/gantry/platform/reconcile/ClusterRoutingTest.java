package dev.gantry.platform.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.gantry.platform.placement.Backend;
import dev.gantry.platform.routing.RoutedInstances;
import org.junit.jupiter.api.Test;

/** GANTRY_KUBERNETES_ROUTING and the hosts an app's Ingress routes. */
class ClusterRoutingTest {

    private static final DesiredApp SHOP = new DesiredApp(7, "acme", "shop", 3, "sha256:x", Map.of(), Map.of(), "f1",
            null, false, Backend.KUBERNETES, List.of("shop.example.com", "*.shop.example.org"));

    @Test
    void endpointRoutingMakesNoIngress() {
        ClusterRouting r = ClusterRouting.parse("endpoints", Optional.of("10.0.0.1:80"), "gantry.test");
        assertNull(r.ingress());
        assertEquals(List.of(), r.hosts(SHOP));
    }

    @Test
    void ingressRoutingRoutesTheDefaultHostAndTheCustomDomainsToTheIngressController() {
        ClusterRouting r = ClusterRouting.parse("Ingress", Optional.of("192.0.2.10:8080"), "gantry.test");
        assertEquals(new RoutedInstances.Address("192.0.2.10", 8080), r.ingress());
        assertEquals(List.of("shop.acme.gantry.test", "shop.example.com", "*.shop.example.org"), r.hosts(SHOP));
    }

    @Test
    void aMisconfigurationSaysWhatToSet() {
        IllegalStateException none = assertThrows(IllegalStateException.class,
                () -> ClusterRouting.parse("ingress", Optional.empty(), "gantry.test"));
        assertTrue(none.getMessage().contains("GANTRY_KUBERNETES_INGRESS_ADDRESS"), none.getMessage());
        IllegalStateException bad = assertThrows(IllegalStateException.class,
                () -> ClusterRouting.parse("ingress", Optional.of("no-port"), "gantry.test"));
        assertTrue(bad.getMessage().contains("host:port"), bad.getMessage());
        IllegalStateException mode = assertThrows(IllegalStateException.class,
                () -> ClusterRouting.parse("nodeport", Optional.empty(), "gantry.test"));
        assertTrue(mode.getMessage().contains("'endpoints' or 'ingress'"), mode.getMessage());
    }
}
