package dev.gantry.engine.spec;

/** {@code linux.namespaces[]}: a new namespace, or with {@code path} an existing one to join. */
public record NamespaceSpec(String type, String path) {
}
