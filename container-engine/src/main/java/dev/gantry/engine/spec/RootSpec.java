package dev.gantry.engine.spec;

/** {@code root}: the rootfs directory, relative to the bundle unless absolute. */
public record RootSpec(String path, Boolean readonly) {

    public boolean isReadonly() {
        return Boolean.TRUE.equals(readonly);
    }
}
