package dev.gantry.engine.net;

import dev.gantry.engine.EngineException;
import dev.gantry.engine.ErrorCode;
import dev.gantry.engine.spec.RuntimeSpec;

import java.util.regex.Pattern;

/**
 * What a container spec asks of the network, read from its annotations (the platform's
 * interface): {@code dev.gantry.network.tenant=<tenant>} puts the container on its tenant's
 * bridge with an address of its own; {@code dev.gantry.network.egress=true} lets it reach
 * the world through NAT. No tenant annotation: a network namespace with loopback only.
 */
public record NetworkRequest(String tenant, boolean egress) {

    public static final String TENANT = "dev.gantry.network.tenant";
    public static final String EGRESS = "dev.gantry.network.egress";
    /** Set by the engine: the container's IPv4 address, its prefix length, gateway, bridge. */
    public static final String ADDRESS = "dev.gantry.network.address";
    public static final String PREFIX = "dev.gantry.network.prefix";
    public static final String GATEWAY = "dev.gantry.network.gateway";
    public static final String BRIDGE = "dev.gantry.network.bridge";

    private static final Pattern TENANT_NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

    /**
     * {@code spec} with this request in its annotations (other annotations kept): what the
     * platform calls to ask for "a network for tenant T".
     */
    public RuntimeSpec applyTo(RuntimeSpec spec) {
        java.util.Map<String, String> a = new java.util.HashMap<>(spec.annotations());
        a.put(TENANT, tenant);
        a.put(EGRESS, Boolean.toString(egress));
        return spec.withAnnotations(a);
    }

    /** The request in {@code spec}, or null if it asks for no network; validates the values. */
    public static NetworkRequest of(RuntimeSpec spec) {
        String tenant = spec.annotation(TENANT);
        String egress = spec.annotation(EGRESS);
        if (tenant == null) {
            if (egress != null) {
                throw invalid(EGRESS + " needs " + TENANT);
            }
            return null;
        }
        if (!TENANT_NAME.matcher(tenant).matches()) {
            throw invalid(TENANT + ": '" + tenant + "' is not a DNS label (lowercase letters, digits, dashes)");
        }
        if (egress != null && !egress.equals("true") && !egress.equals("false")) {
            throw invalid(EGRESS + ": '" + egress + "' is neither true nor false");
        }
        boolean ownNetns = spec.linux().namespaces().stream()
                .anyMatch(n -> n.type().equals("network") && (n.path() == null || n.path().isEmpty()));
        if (!ownNetns) {
            throw invalid(TENANT + " needs a new network namespace: linux.namespaces must have {\"type\":\"network\"} without a path");
        }
        return new NetworkRequest(tenant, "true".equals(egress));
    }

    private static EngineException invalid(String what) {
        return new EngineException(ErrorCode.INVALID_SPEC, "config.json: annotations." + what);
    }
}
