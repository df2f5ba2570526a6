package dev.gantry.engine.spec;

import java.util.List;
import java.util.Map;

/**
 * The parts of an OCI runtime spec ({@code config.json}) the engine supports. Unknown fields
 * are ignored when reading, as the OCI spec asks; {@link SpecLoader} validates the rest.
 */
public record RuntimeSpec(
        String ociVersion,
        ProcessSpec process,
        RootSpec root,
        String hostname,
        String domainname,
        List<MountSpec> mounts,
        LinuxSpec linux,
        Map<String, String> annotations) {

    public RuntimeSpec {
        mounts = mounts == null ? List.of() : List.copyOf(mounts);
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
    }

    public String annotation(String key) {
        return annotations.get(key);
    }

    public RuntimeSpec withProcess(ProcessSpec p) {
        return new RuntimeSpec(ociVersion, p, root, hostname, domainname, mounts, linux, annotations);
    }

    public RuntimeSpec withRoot(RootSpec r) {
        return new RuntimeSpec(ociVersion, process, r, hostname, domainname, mounts, linux, annotations);
    }

    public RuntimeSpec withLinux(LinuxSpec l) {
        return new RuntimeSpec(ociVersion, process, root, hostname, domainname, mounts, l, annotations);
    }

    public RuntimeSpec withMounts(List<MountSpec> m) {
        return new RuntimeSpec(ociVersion, process, root, hostname, domainname, m, linux, annotations);
    }

    public RuntimeSpec withAnnotations(Map<String, String> a) {
        return new RuntimeSpec(ociVersion, process, root, hostname, domainname, mounts, linux, a);
    }
}
