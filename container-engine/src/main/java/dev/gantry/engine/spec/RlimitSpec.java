package dev.gantry.engine.spec;

/** {@code process.rlimits[]}: e.g. {@code {"type":"RLIMIT_NOFILE","soft":1024,"hard":1024}}. */
public record RlimitSpec(String type, Long soft, Long hard) {
}
