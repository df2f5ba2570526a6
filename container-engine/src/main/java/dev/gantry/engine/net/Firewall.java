package dev.gantry.engine.net;

import dev.gantry.engine.EngineException;
import dev.gantry.engine.ErrorCode;

import dev.gantry.engine.sys.Netlink;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Gantry's own nftables table, {@code inet gantry}; nothing else on the host is touched.
 * Tenant bridges are named {@code gt-*}. Rules (see docs/engine.md, Networking):
 * <ul>
 * <li>input: from a tenant bridge only replies (established/related) and the allowed host
 *     ports; everything else to the host (its API, database, SSH, router admin) is dropped;</li>
 * <li>forward: a bridge to itself passes (with br_netfilter loaded, bridged frames show up
 *     here with the bridge as both interfaces); bridge to another bridge is dropped; from
 *     outside into a bridge only replies; out of a bridge only addresses in {@code @egress};</li>
 * <li>postrouting: {@code @egress} addresses leaving through a non-Gantry interface are masqueraded
 *     (postrouting has no input interface, so the rule matches on the source address).</li>
 * </ul>
 */
final class Firewall {

    static final String TABLE = "inet gantry";

    private Firewall() {
    }

    /**
     * Declares the table and sets (kept if they exist, with their elements) and replaces the
     * chains' rules, in one transaction; also enables IPv4 forwarding, which egress needs.
     */
    static void install(List<Integer> allowedHostPorts) {
        List<String> s = new ArrayList<>();
        s.add("table " + TABLE + " {");
        s.add(" set same_bridge { type ifname . ifname; }");
        s.add(" set egress { type ipv4_addr; }");
        s.add(" chain input { type filter hook input priority filter; policy accept; }");
        s.add(" chain forward { type filter hook forward priority filter; policy accept; }");
        s.add(" chain postrouting { type nat hook postrouting priority srcnat; policy accept; }");
        s.add("}");
        s.add("flush chain " + TABLE + " input");
        s.add("flush chain " + TABLE + " forward");
        s.add("flush chain " + TABLE + " postrouting");
        s.add("table " + TABLE + " {");
        s.add(" chain input {");
        s.add("  iifname \"gt-*\" ct state established,related accept");
        if (!allowedHostPorts.isEmpty()) {
            s.add("  iifname \"gt-*\" meta l4proto { tcp, udp } th dport { "
                    + allowedHostPorts.stream().map(String::valueOf).collect(Collectors.joining(", ")) + " } accept");
        }
        s.add("  iifname \"gt-*\" drop");
        s.add(" }");
        s.add(" chain forward {");
        s.add("  iifname . oifname @same_bridge accept");
        s.add("  iifname \"gt-*\" oifname \"gt-*\" drop");
        s.add("  oifname \"gt-*\" ct state established,related accept");
        s.add("  oifname \"gt-*\" drop");
        s.add("  iifname \"gt-*\" ip saddr @egress accept");
        s.add("  iifname \"gt-*\" drop");
        s.add(" }");
        s.add(" chain postrouting {");
        s.add("  oifname != \"gt-*\" ip saddr @egress masquerade");
        s.add(" }");
        s.add("}");
        HostCommand.nft("install nftables table " + TABLE, s);
        enableForwarding();
    }

    static void enableForwarding() {
        Path f = Path.of("/proc/sys/net/ipv4/ip_forward");
        try {
            if (!Files.readString(f).trim().equals("1")) {
                Files.writeString(f, "1");
            }
        } catch (IOException e) {
            throw new EngineException(ErrorCode.NETWORK, "enable IPv4 forwarding (" + f + "): " + e.getMessage(), e);
        }
    }

    /**
     * Adds or removes set elements in-process through nfnetlink (no {@code nft} process on a
     * container's path): the bridges' {@code "gt-x" . "gt-x"} pairs and the egress addresses.
     */
    static void elements(boolean add, List<String> bridges, List<String> egressAddresses) {
        if (bridges.isEmpty() && egressAddresses.isEmpty()) {
            return;
        }
        try (Netlink nl = Netlink.openNetfilter()) {
            nl.setElements(add, "gantry", "same_bridge", bridges.stream().map(Firewall::ifnamePair).toList());
            nl.setElements(add, "gantry", "egress", egressAddresses.stream().map(Firewall::ipv4).toList());
        }
    }

    /** An {@code ifname . ifname} key: two 16-byte, zero-padded names. */
    static byte[] ifnamePair(String name) {
        byte[] n = name.getBytes(StandardCharsets.US_ASCII);
        byte[] k = new byte[32];
        System.arraycopy(n, 0, k, 0, n.length);
        System.arraycopy(n, 0, k, 16, n.length);
        return k;
    }

    static byte[] ipv4(String address) {
        return ByteBuffer.allocate(4).putInt(Cidr.parseAddress(address)).array();
    }

    static String addBridge(String bridge) {
        return "add element " + TABLE + " same_bridge { \"" + bridge + "\" . \"" + bridge + "\" }";
    }

    static String addEgress(String address) {
        return "add element " + TABLE + " egress { " + address + " }";
    }

    /** Replaces both sets' elements with exactly these (reconcile). */
    static void resync(List<String> bridges, List<String> egressAddresses) {
        List<String> s = new ArrayList<>();
        s.add("flush set " + TABLE + " same_bridge");
        s.add("flush set " + TABLE + " egress");
        bridges.forEach(b -> s.add(addBridge(b)));
        egressAddresses.forEach(a -> s.add(addEgress(a)));
        HostCommand.nft("resync nftables sets", s);
    }

    /** The table as nft lists it (for tests and diagnostics). */
    static String list() {
        return HostCommand.run("list nftables table", List.of("nft", "list", "table", "inet", "gantry"), List.of());
    }
}
