package dev.gantry.router;

/**
 * What the router knows about one instance right now. The platform polls this after a pool
 * switch: an old instance may be stopped once it is gone from the list or has nothing in flight.
 *
 * @param host      the instance address
 * @param port      the instance port
 * @param inFlight  requests currently proxied to it
 * @param ejected   true while passive health keeps it out of rotation after failures
 * @param draining  true once it left the route table but still has requests in flight
 */
public record InstanceStatus(String host, int port, int inFlight, boolean ejected, boolean draining) {
}
