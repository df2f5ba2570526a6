package dev.gantry.platform.kubernetes;

/**
 * The cluster could not do what was asked. {@code status} is the API server's HTTP status, 0 when it could not
 * be reached at all; the message names the cluster and says what Kubernetes said.
 */
public class KubernetesFailure extends RuntimeException {

    private final String cluster;
    private final int status;
    private final String reason;

    public KubernetesFailure(String cluster, int status, String reason, String message, Throwable cause) {
        super("cluster '" + cluster + "': " + message, cause);
        this.cluster = cluster;
        this.status = status;
        this.reason = reason;
    }

    public String cluster() {
        return cluster;
    }

    public int status() {
        return status;
    }

    /** Kubernetes' reason (Invalid, Forbidden, AlreadyExists, …), or null. */
    public String reason() {
        return reason;
    }

    /** The cluster refused the object itself (validation, admission, quota): retrying the same will not help. */
    public boolean rejected() {
        return status == 400 || status == 403 || status == 422;
    }

    public boolean unreachable() {
        return status == 0;
    }
}
