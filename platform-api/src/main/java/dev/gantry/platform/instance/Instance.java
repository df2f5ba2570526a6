package dev.gantry.platform.instance;

import java.time.Instant;

/**
 * One instance as its backend reports it. {@code labels} are what the platform gave it at launch; {@code host}
 * and {@code port} are where it listens (the router and health checks connect there).
 */
public record Instance(String id, InstanceLabels labels, String host, int port, Status status, Instant startedAt,
                       Exit exit) {

    public enum Status { RUNNING, EXITED }

    /** How an exited instance ended. */
    public record Exit(int code, boolean oomKilled) {

        public String describe() {
            if (oomKilled) {
                return "killed for running out of memory (exit " + code + ")";
            }
            if (code > 128) {
                return "killed by signal " + (code - 128) + " (exit " + code + ")";
            }
            return "exited with code " + code;
        }
    }

    public boolean running() {
        return status == Status.RUNNING;
    }

    public String address() {
        return host + ":" + port;
    }
}
