package dev.gantry.engine.net;

/**
 * One container's place on the network, as the IPAM file records it. A container is known by
 * its engine's state root and its id, since several engines (state roots) share one host.
 *
 * @param pid          the container's init once it exists (0 while it is being created)
 * @param pidStartTime its start time, so a reused pid is not mistaken for it
 */
public record Attachment(String stateRoot, String id, String tenant, String address, int prefix, String gateway,
                         String bridge, String hostVeth, boolean egress, int pid, long pidStartTime) {

    boolean is(String root, String containerId) {
        return stateRoot.equals(root) && id.equals(containerId);
    }

    Attachment withPid(int newPid, long start) {
        return new Attachment(stateRoot, id, tenant, address, prefix, gateway, bridge, hostVeth, egress, newPid, start);
    }
}
