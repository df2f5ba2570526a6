package dev.gantry.engine.net;

import dev.gantry.engine.EngineException;
import dev.gantry.engine.ErrorCode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Host-wide network configuration. Every engine on one host must use the same values (the
 * bridges, the nftables table and the IPAM file are host-wide), so they come from the
 * environment or system properties rather than from a container's spec.
 *
 * @param subnet          the private network every container address comes from
 * @param tenantPrefix    prefix length of the slice each tenant gets (one bridge per slice)
 * @param allowedHostPorts TCP/UDP ports on the host that containers may connect to (empty: none)
 * @param stateDir        where the IPAM file lives; host-wide, outside any engine's state root
 */
public record NetworkSettings(Cidr subnet, int tenantPrefix, List<Integer> allowedHostPorts, Path stateDir) {

    public static final String DEFAULT_SUBNET = "10.88.0.0/16";
    public static final int DEFAULT_TENANT_PREFIX = 24;
    public static final Path DEFAULT_STATE_DIR = Path.of("/var/lib/gantry/net");

    public NetworkSettings {
        allowedHostPorts = List.copyOf(allowedHostPorts);
        if (tenantPrefix < subnet.prefix() || tenantPrefix > 30) {
            throw new EngineException(ErrorCode.NETWORK, "tenant prefix /" + tenantPrefix + " must lie between the subnet's /"
                    + subnet.prefix() + " and /30");
        }
    }

    public static NetworkSettings defaults() {
        return new NetworkSettings(Cidr.parse(DEFAULT_SUBNET), DEFAULT_TENANT_PREFIX, List.of(), DEFAULT_STATE_DIR);
    }

    /**
     * {@code GANTRY_NET_SUBNET} / {@code -Dgantry.net.subnet}, {@code GANTRY_NET_TENANT_PREFIX},
     * {@code GANTRY_NET_HOST_PORTS} (comma-separated), {@code GANTRY_NET_STATE}; the system
     * property wins over the environment variable.
     */
    public static NetworkSettings fromEnvironment() {
        return from(name -> {
            String prop = System.getProperty("gantry.net." + name.toLowerCase().replace('_', '-'));
            return prop != null ? prop : System.getenv("GANTRY_NET_" + name);
        });
    }

    static NetworkSettings from(Function<String, String> lookup) {
        String subnet = orDefault(lookup.apply("SUBNET"), DEFAULT_SUBNET);
        String prefix = orDefault(lookup.apply("TENANT_PREFIX"), Integer.toString(DEFAULT_TENANT_PREFIX));
        String ports = orDefault(lookup.apply("HOST_PORTS"), "");
        String state = orDefault(lookup.apply("STATE"), DEFAULT_STATE_DIR.toString());
        try {
            List<Integer> allowed = new ArrayList<>();
            for (String p : ports.split(",")) {
                if (!p.isBlank()) {
                    int port = Integer.parseInt(p.trim());
                    if (port < 1 || port > 65535) {
                        throw new IllegalArgumentException("port " + port + " is out of range");
                    }
                    allowed.add(port);
                }
            }
            return new NetworkSettings(Cidr.parse(subnet), Integer.parseInt(prefix.trim()), allowed, Path.of(state));
        } catch (IllegalArgumentException e) {
            throw new EngineException(ErrorCode.NETWORK, "network settings (GANTRY_NET_SUBNET=" + subnet
                    + ", GANTRY_NET_TENANT_PREFIX=" + prefix + ", GANTRY_NET_HOST_PORTS=" + ports + "): " + e.getMessage(), e);
        }
    }

    private static String orDefault(String v, String d) {
        return v == null || v.isBlank() ? d : v;
    }

    public NetworkSettings withSubnet(Cidr s) {
        return new NetworkSettings(s, tenantPrefix, allowedHostPorts, stateDir);
    }

    public NetworkSettings withAllowedHostPorts(List<Integer> ports) {
        return new NetworkSettings(subnet, tenantPrefix, ports, stateDir);
    }
}
