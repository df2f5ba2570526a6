package dev.gantry.platform.config;

/** The config key is missing, malformed or not the one the values were sealed with. */
public class ConfigKeyException extends RuntimeException {
    public ConfigKeyException(String message) {
        super(message);
    }
}
