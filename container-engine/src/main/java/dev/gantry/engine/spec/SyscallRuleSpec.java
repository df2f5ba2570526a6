package dev.gantry.engine.spec;

import java.util.List;

/** {@code linux.seccomp.syscalls[]}: all {@code args} conditions must hold for the rule to match. */
public record SyscallRuleSpec(List<String> names, String action, Integer errnoRet, List<SyscallArgSpec> args) {

    public SyscallRuleSpec {
        names = names == null ? List.of() : List.copyOf(names);
        args = args == null ? List.of() : List.copyOf(args);
    }
}
