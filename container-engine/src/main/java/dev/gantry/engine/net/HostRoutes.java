package dev.gantry.engine.net;

import dev.gantry.engine.EngineException;
import dev.gantry.engine.ErrorCode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The host's IPv4 routes, from /proc/net/route (no subprocess), to refuse an overlapping subnet. */
final class HostRoutes {

    /** One route: its interface and destination network. */
    record Route(String iface, Cidr destination) {
    }

    private HostRoutes() {
    }

    static List<Route> read() {
        List<Route> routes = new ArrayList<>();
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/net/route"));
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.trim().split("\\s+");
                int dest = Integer.reverseBytes((int) Long.parseLong(f[1], 16));
                int mask = Integer.reverseBytes((int) Long.parseLong(f[7], 16));
                routes.add(new Route(f[0], new Cidr(dest, Integer.bitCount(mask))));
            }
        } catch (IOException e) {
            throw new EngineException(ErrorCode.NETWORK, "read /proc/net/route: " + e.getMessage(), e);
        }
        return routes;
    }

    /**
     * Fails if a route other than a default route or one of Gantry's own bridges overlaps
     * {@code subnet}: containers would then shadow (or be shadowed by) a real network.
     */
    static void requireFree(Cidr subnet) {
        for (Route r : read()) {
            if (r.destination().prefix() > 0 && !r.iface().startsWith("gt-") && r.destination().overlaps(subnet)) {
                throw new EngineException(ErrorCode.NETWORK, "container subnet " + subnet + " collides with the host route "
                        + r.destination() + " dev " + r.iface() + ": choose another private range with GANTRY_NET_SUBNET");
            }
        }
    }
}
