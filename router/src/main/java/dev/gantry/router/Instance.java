package dev.gantry.router;

/**
 * One running instance of an app, as the router reaches it: an address and a TCP port.
 * The router never knows about containers; whatever listens there gets the traffic.
 */
public record Instance(String host, int port) {

    public Instance {
        if (host == null || host.isBlank()) {
            throw new RouterException(RouterException.Code.INVALID_TABLE, "instance host is empty");
        }
        if (port < 1 || port > 65535) {
            throw new RouterException(RouterException.Code.INVALID_TABLE, "instance port out of range: " + port);
        }
    }

    /** {@code host:port}, the key under which health and in-flight counts are kept. */
    public String address() {
        return host + ":" + port;
    }
}
