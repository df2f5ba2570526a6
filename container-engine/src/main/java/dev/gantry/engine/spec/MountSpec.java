package dev.gantry.engine.spec;

import java.util.List;

/** {@code mounts[]}: one mount inside the container, applied in order. */
public record MountSpec(String destination, String type, String source, List<String> options) {

    public MountSpec {
        options = options == null ? List.of() : List.copyOf(options);
    }

    public boolean isBind() {
        return "bind".equals(type) || options.contains("bind") || options.contains("rbind");
    }
}
