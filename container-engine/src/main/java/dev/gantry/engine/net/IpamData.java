package dev.gantry.engine.net;

import dev.gantry.engine.EngineException;
import dev.gantry.engine.ErrorCode;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The content of the IPAM file: each tenant's slice of the subnet and bridge, and every
 * attachment. Pure bookkeeping (no kernel calls), so the allocation rules are unit-tested.
 * Addresses are handed out lowest-free first, which makes a freed address the next one used.
 */
public final class IpamData {

    /** A tenant's slice: the {@code index}-th /tenantPrefix of the subnet, on bridge {@code bridge}. */
    public record TenantNet(int index, String bridge) {
    }

    public Map<String, TenantNet> tenants = new LinkedHashMap<>();
    public List<Attachment> attachments = new ArrayList<>();

    /** The tenant's slice, allocating the lowest free one (and a bridge name) if it has none. */
    TenantNet tenant(String tenant, NetworkSettings s) {
        TenantNet t = tenants.get(tenant);
        if (t != null) {
            return t;
        }
        Set<Integer> used = new HashSet<>();
        Set<String> bridges = new HashSet<>();
        tenants.values().forEach(n -> {
            used.add(n.index());
            bridges.add(n.bridge());
        });
        long count = s.subnet().subnetCount(s.tenantPrefix());
        for (int i = 0; i < count; i++) {
            if (!used.contains(i)) {
                t = new TenantNet(i, uniqueName("gt-", tenant, 10, bridges));
                tenants.put(tenant, t);
                return t;
            }
        }
        throw new EngineException(ErrorCode.NETWORK, "no free /" + s.tenantPrefix() + " left in " + s.subnet()
                + " for tenant " + tenant + " (" + count + " tenants have one): set a larger GANTRY_NET_SUBNET");
    }

    /** Records a new attachment with the lowest free address of the tenant's slice. */
    Attachment allocate(String stateRoot, String id, String tenant, boolean egress, NetworkSettings s) {
        if (find(stateRoot, id) != null) {
            throw new EngineException(ErrorCode.NETWORK, "container " + id + " in " + stateRoot + " already has an address");
        }
        TenantNet t = tenant(tenant, s);
        Cidr slice = s.subnet().subnet(t.index(), s.tenantPrefix());
        Set<String> taken = new HashSet<>();
        Set<String> veths = new HashSet<>();
        for (Attachment a : attachments) {
            taken.add(a.address());
            veths.add(a.hostVeth());
        }
        // .0 is the network, .1 the bridge (gateway), the last one broadcast
        for (long n = 2; n < slice.size() - 1; n++) {
            String addr = Cidr.format(slice.at(n));
            if (!taken.contains(addr)) {
                Attachment a = new Attachment(stateRoot, id, tenant, addr, slice.prefix(), Cidr.format(slice.at(1)),
                        t.bridge(), uniqueName("gv", stateRoot + "/" + id, 12, veths), egress, 0, -1);
                attachments.add(a);
                return a;
            }
        }
        if (tenantAttachments(tenant).isEmpty()) {
            tenants.remove(tenant);
        }
        throw new EngineException(ErrorCode.NETWORK, "tenant " + tenant + "'s network " + slice + " has no free address ("
                + (slice.size() - 3) + " in use): set a shorter GANTRY_NET_TENANT_PREFIX");
    }

    Attachment find(String stateRoot, String id) {
        return attachments.stream().filter(a -> a.is(stateRoot, id)).findFirst().orElse(null);
    }

    List<Attachment> tenantAttachments(String tenant) {
        return attachments.stream().filter(a -> a.tenant().equals(tenant)).toList();
    }

    void replace(Attachment old, Attachment now) {
        attachments.set(attachments.indexOf(old), now);
    }

    /** Removes the attachment; returns the tenant's bridge if that was its last one (the slice is freed too). */
    String release(Attachment a) {
        attachments.remove(a);
        if (tenantAttachments(a.tenant()).isEmpty()) {
            TenantNet t = tenants.remove(a.tenant());
            return t == null ? null : t.bridge();
        }
        return null;
    }

    /**
     * Interface names are limited to 15 characters: a prefix and a hash of the key, perturbed
     * until it is unique among {@code taken}; the IPAM file remembers the mapping.
     */
    static String uniqueName(String prefix, String key, int hexChars, Set<String> taken) {
        for (int salt = 0; ; salt++) {
            String name = prefix + sha256(salt == 0 ? key : key + "#" + salt).substring(0, hexChars);
            if (!taken.contains(name)) {
                return name;
            }
        }
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
