package dev.gantry.engine.net;

import dev.gantry.engine.EngineException;
import dev.gantry.engine.ErrorCode;
import dev.gantry.engine.sys.Netlink;
import dev.gantry.engine.sys.ProcFs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Container networking with one Linux bridge per tenant: a tenant's containers share an L2
 * segment and a slice of the subnet, different tenants share nothing below IP, and Gantry's
 * nftables table ({@link Firewall}) drops routing between tenant bridges and from containers to
 * the host. Set-up is two steps around the shim: {@link #allocate} (before: the address goes
 * into /etc/hosts) and {@link #attach} (after: the init's network namespace exists).
 * All changes to IPAM, bridges, veths and the sets happen under the IPAM lock, so concurrent
 * engines on one host never race a bridge being removed against a veth being added to it.
 */
public final class BridgeNetwork {

    private static final Pattern OUR_DEVICE = Pattern.compile("gt-[0-9a-f]{10}|gv[0-9a-f]{12}");
    private static final Path SYS_NET = Path.of("/sys/class/net");
    /** The allowed-port list this JVM last installed the rules with (null: not yet). */
    private static List<Integer> installed;

    private final NetworkSettings settings;
    private final IpamStore store;

    public BridgeNetwork(NetworkSettings settings) {
        this.settings = settings;
        this.store = new IpamStore(settings.stateDir());
    }

    public NetworkSettings settings() {
        return settings;
    }

    /** Reserves the lowest free address of the tenant's slice for container {@code id} of {@code stateRoot}. */
    public Attachment allocate(Path stateRoot, String id, NetworkRequest request) {
        return store.update(data -> {
            HostRoutes.requireFree(settings.subnet());
            return data.allocate(stateRoot.toString(), id, request.tenant(), request.egress(), settings);
        });
    }

    /**
     * Plumbs the reserved address into the network namespace of {@code pid} (the container's
     * init, waiting on its exec FIFO): the tenant bridge (created with its gateway address if
     * missing), a veth pair with {@code eth0} inside, the address, the default route.
     */
    public Attachment attach(Path stateRoot, String id, int pid, long pidStartTime) {
        return store.update(data -> {
            Attachment a = data.find(stateRoot.toString(), id);
            if (a == null) {
                throw new EngineException(ErrorCode.NETWORK, "attach " + id + ": no address reserved in " + store.file());
            }
            ensureFirewall(data);
            int gateway = Cidr.parseAddress(a.gateway());
            if (data.tenantAttachments(a.tenant()).size() == 1 && Files.exists(SYS_NET.resolve(a.bridge()))) {
                // the tenant's only container, yet its bridge exists: left from an earlier run (crash,
                // lost IPAM file) possibly with another slice's address, so it is made anew
                List<String> errors = new ArrayList<>();
                deleteLink(a.bridge(), errors);
                if (!errors.isEmpty()) {
                    throw new EngineException(ErrorCode.NETWORK, "remove stale bridge " + a.bridge() + ": " + errors);
                }
            }
            try (Netlink host = Netlink.open()) {
                if (!Files.exists(SYS_NET.resolve(a.bridge()))) {
                    host.createBridge(a.bridge());
                    int br = host.index(a.bridge());
                    host.addAddress(br, gateway, a.prefix(), a.bridge());
                    host.setUp(br, a.bridge());
                }
                host.createVeth(a.hostVeth(), host.index(a.bridge()), "eth0", pid);
                host.setUp(host.index(a.hostVeth()), a.hostVeth());
            }
            try (Netlink inside = Netlink.openIn(pid)) {
                int eth0 = inside.index("eth0");
                inside.addAddress(eth0, Cidr.parseAddress(a.address()), a.prefix(), "eth0");
                inside.setUp(eth0, "eth0");
                inside.addDefaultRoute(gateway, eth0);
            }
            // the bridge's element every time (adding an existing one is a no-op), so a bridge found
            // from an earlier run never lacks it
            Firewall.elements(true, List.of(a.bridge()), a.egress() ? List.of(a.address()) : List.of());
            Attachment now = a.withPid(pid, pidStartTime);
            data.replace(a, now);
            return now;
        });
    }

    private void ensureFirewall(IpamData data) {
        synchronized (BridgeNetwork.class) {
            if (settings.allowedHostPorts().equals(installed)) {
                return;
            }
            Firewall.install(settings.allowedHostPorts());
            resyncSets(data);
            installed = settings.allowedHostPorts();
        }
    }

    /** Frees the container's address and removes its host veth, and the tenant's bridge if it was the last. */
    public void release(Path stateRoot, String id) {
        List<String> errors = store.update(data -> {
            Attachment a = data.find(stateRoot.toString(), id);
            return a == null ? List.<String>of() : teardown(data, a);
        });
        if (!errors.isEmpty()) {
            throw new EngineException(ErrorCode.NETWORK, "release network of " + id + ": " + String.join("; ", errors));
        }
    }

    private static List<String> teardown(IpamData data, Attachment a) {
        String emptyBridge = data.release(a);
        List<String> errors = new ArrayList<>();
        // The kernel removes the veth pair by itself when the namespace dies, but that is asynchronous.
        deleteLink(a.hostVeth(), errors);
        if (emptyBridge != null) {
            deleteLink(emptyBridge, errors);
        }
        try {
            Firewall.elements(false, emptyBridge == null ? List.of() : List.of(emptyBridge),
                    a.egress() ? List.of(a.address()) : List.of());
        } catch (EngineException e) {
            // an element already missing (table reinstalled meanwhile) is no error: reconcile rewrites the sets anyway
        }
        return errors;
    }

    private static void deleteLink(String name, List<String> errors) {
        if (Files.exists(SYS_NET.resolve(name))) {
            try (Netlink nl = Netlink.open()) {
                nl.deleteLink(name);
            } catch (EngineException e) {
                if (Files.exists(SYS_NET.resolve(name))) { // else the kernel removed it meanwhile
                    errors.add(e.getMessage());
                }
            }
        }
    }

    /**
     * Releases every attachment whose container is gone: its init is dead (shim killed, forced
     * delete, reboot) or, while it was being created, its state dir vanished. Then removes any
     * Gantry bridge or veth the IPAM file does not know and rewrites the nftables sets from it.
     *
     * @return the attachments released
     */
    public List<Attachment> reconcile() {
        return store.update(data -> {
            List<Attachment> gone = new ArrayList<>();
            for (Attachment a : List.copyOf(data.attachments)) {
                boolean dead = a.pid() > 0 ? !ProcFs.isAlive(a.pid(), a.pidStartTime())
                        : !Files.isDirectory(Path.of(a.stateRoot(), a.id()));
                if (dead) {
                    teardown(data, a);
                    gone.add(a);
                }
            }
            Set<String> known = new HashSet<>();
            data.attachments.forEach(a -> known.add(a.hostVeth()));
            data.tenants.values().forEach(t -> known.add(t.bridge()));
            for (String dev : devices()) {
                if (OUR_DEVICE.matcher(dev).matches() && !known.contains(dev)) {
                    deleteLink(dev, new ArrayList<>());
                }
            }
            ensureFirewall(data);
            resyncSets(data);
            return gone;
        });
    }

    private static void resyncSets(IpamData data) {
        Firewall.resync(data.tenants.values().stream().map(IpamData.TenantNet::bridge).toList(),
                data.attachments.stream().filter(Attachment::egress).map(Attachment::address).toList());
    }

    /** Every attachment in the IPAM file (a snapshot). */
    public List<Attachment> attachments() {
        try {
            return List.copyOf(store.read().attachments);
        } catch (IOException e) {
            throw new EngineException(ErrorCode.IO, "read " + store.file() + ": " + e.getMessage(), e);
        }
    }

    /** The tenant's bridge name, or null if it has no container. */
    public String bridgeOf(String tenant) {
        try {
            IpamData.TenantNet t = store.read().tenants.get(tenant);
            return t == null ? null : t.bridge();
        } catch (IOException e) {
            throw new EngineException(ErrorCode.IO, "read " + store.file() + ": " + e.getMessage(), e);
        }
    }

    static List<String> devices() {
        try (Stream<Path> s = Files.list(SYS_NET)) {
            return s.map(p -> p.getFileName().toString()).toList();
        } catch (IOException e) {
            throw new EngineException(ErrorCode.NETWORK, "list " + SYS_NET + ": " + e.getMessage(), e);
        }
    }
}
