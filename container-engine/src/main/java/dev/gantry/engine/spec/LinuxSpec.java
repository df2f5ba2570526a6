package dev.gantry.engine.spec;

import java.util.List;
import java.util.Map;

/** {@code linux}: namespaces, id mappings, cgroup resources, seccomp, masked paths. */
public record LinuxSpec(
        List<NamespaceSpec> namespaces,
        List<IdMappingSpec> uidMappings,
        List<IdMappingSpec> gidMappings,
        ResourcesSpec resources,
        String cgroupsPath,
        SeccompSpec seccomp,
        List<String> maskedPaths,
        List<String> readonlyPaths,
        String rootfsPropagation,
        Map<String, String> sysctl) {

    public LinuxSpec {
        namespaces = namespaces == null ? List.of() : List.copyOf(namespaces);
        uidMappings = uidMappings == null ? List.of() : List.copyOf(uidMappings);
        gidMappings = gidMappings == null ? List.of() : List.copyOf(gidMappings);
        maskedPaths = maskedPaths == null ? List.of() : List.copyOf(maskedPaths);
        readonlyPaths = readonlyPaths == null ? List.of() : List.copyOf(readonlyPaths);
        sysctl = sysctl == null ? Map.of() : Map.copyOf(sysctl);
    }

    public boolean hasNamespace(String type) {
        return namespaces.stream().anyMatch(n -> n.type().equals(type));
    }

    public LinuxSpec withResources(ResourcesSpec r) {
        return new LinuxSpec(namespaces, uidMappings, gidMappings, r, cgroupsPath, seccomp, maskedPaths,
                readonlyPaths, rootfsPropagation, sysctl);
    }

    public LinuxSpec withCgroupsPath(String p) {
        return new LinuxSpec(namespaces, uidMappings, gidMappings, resources, p, seccomp, maskedPaths,
                readonlyPaths, rootfsPropagation, sysctl);
    }

    public LinuxSpec withSeccomp(SeccompSpec s) {
        return new LinuxSpec(namespaces, uidMappings, gidMappings, resources, cgroupsPath, s, maskedPaths,
                readonlyPaths, rootfsPropagation, sysctl);
    }

    public LinuxSpec withNamespaces(List<NamespaceSpec> ns) {
        return new LinuxSpec(ns, uidMappings, gidMappings, resources, cgroupsPath, seccomp, maskedPaths,
                readonlyPaths, rootfsPropagation, sysctl);
    }
}
