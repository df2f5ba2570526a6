package dev.gantry.engine.spec;

import java.util.List;

/** {@code process.capabilities}: the five Linux capability sets, by name ("CAP_KILL"). */
public record CapabilitiesSpec(
        List<String> bounding,
        List<String> effective,
        List<String> inheritable,
        List<String> permitted,
        List<String> ambient) {

    public CapabilitiesSpec {
        bounding = bounding == null ? List.of() : List.copyOf(bounding);
        effective = effective == null ? List.of() : List.copyOf(effective);
        inheritable = inheritable == null ? List.of() : List.copyOf(inheritable);
        permitted = permitted == null ? List.of() : List.copyOf(permitted);
        ambient = ambient == null ? List.of() : List.copyOf(ambient);
    }

    /** The same list in the bounding, effective and permitted sets (what runc's default spec does). */
    public static CapabilitiesSpec of(List<String> caps) {
        return new CapabilitiesSpec(caps, caps, List.of(), caps, List.of());
    }
}
