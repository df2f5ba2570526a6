package dev.gantry.platform.app;

import java.time.Instant;

/** An app as the API shows it, with the URLs a user needs: where to push and where it is served. */
public record AppView(String name, String tenant, String gitUrl, String webUrl, String sshGitUrl,
                      String healthCheckPath, boolean egress, String backend, Instant createdAt) {
}
