package dev.gantry.platform.kubernetes;

/** A ready address of an app's web Service: where the router may send traffic. */
public record Endpoint(String ip, int port) {
}
