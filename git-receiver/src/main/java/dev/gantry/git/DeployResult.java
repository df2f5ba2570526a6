package dev.gantry.git;

import java.util.Optional;

/**
 * How a deploy ended. A success may carry the app's URL, printed as the last line of the push;
 * a failure carries the reason, which rejects the ref update and is shown to the pusher.
 */
public record DeployResult(boolean succeeded, Optional<String> url, String reason) {

    public static DeployResult success(String url) {
        return new DeployResult(true, Optional.ofNullable(url), "");
    }

    public static DeployResult failure(String reason) {
        return new DeployResult(false, Optional.empty(), reason == null || reason.isBlank() ? "deploy failed" : reason);
    }
}
