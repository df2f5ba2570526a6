package dev.gantry.platform.reconcile;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import dev.gantry.platform.routing.RoutedInstances;

/**
 * How Gantry's router reaches the apps on the cluster. {@code endpoints}: straight to ready pod addresses (the
 * pod network is reachable from this machine). {@code ingress}: every web app gets an Ingress for its hosts, and
 * the router sends the app's traffic to the cluster's ingress controller at {@code ingress}.
 *
 * @param ingress    the ingress controller as the router reaches it; null for {@code endpoints}
 * @param baseDomain the platform's base domain, for the app's default host {@code <app>.<tenant>.<base>}
 */
record ClusterRouting(RoutedInstances.Address ingress, String baseDomain) {

    static ClusterRouting parse(String mode, Optional<String> ingressAddress, String baseDomain) {
        switch (mode.strip().toLowerCase(Locale.ROOT)) {
            case "endpoints":
                return new ClusterRouting(null, baseDomain);
            case "ingress":
                String address = ingressAddress.orElseThrow(() -> new IllegalStateException(
                        "GANTRY_KUBERNETES_ROUTING=ingress needs GANTRY_KUBERNETES_INGRESS_ADDRESS: host:port of the "
                                + "cluster's ingress controller as this machine reaches it"));
                int colon = address.lastIndexOf(':');
                try {
                    return new ClusterRouting(new RoutedInstances.Address(address.substring(0, colon),
                            Integer.parseInt(address.substring(colon + 1))), baseDomain);
                } catch (RuntimeException e) {
                    throw new IllegalStateException("GANTRY_KUBERNETES_INGRESS_ADDRESS must be host:port, not '"
                            + address + "'");
                }
            default:
                throw new IllegalStateException("GANTRY_KUBERNETES_ROUTING must be 'endpoints' or 'ingress', not '"
                        + mode + "'");
        }
    }

    /** The host names the app's Ingress routes: none with endpoint routing. */
    List<String> hosts(DesiredApp app) {
        if (ingress == null) {
            return List.of();
        }
        List<String> hosts = new ArrayList<>();
        hosts.add(app.key() + "." + baseDomain);
        hosts.addAll(app.domains());
        return hosts;
    }
}
