package dev.gantry.platform.run;

/** {@code POST /api/apps/{app}/runs}: a shell command, an optional size ("512M") and time limit in seconds. */
public record RunRequest(String command, String size, Integer timeout) {
}
