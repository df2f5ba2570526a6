package dev.gantry.engine.spec;

import java.util.List;

/** {@code linux.seccomp}: default action plus per-syscall rules (first matching rule wins). */
public record SeccompSpec(
        String defaultAction,
        Integer defaultErrnoRet,
        List<String> architectures,
        List<SyscallRuleSpec> syscalls) {

    public SeccompSpec {
        architectures = architectures == null ? List.of() : List.copyOf(architectures);
        syscalls = syscalls == null ? List.of() : List.copyOf(syscalls);
    }
}
