package dev.gantry.engine.spec;

/** {@code linux.seccomp.syscalls[].args[]}: op is SCMP_CMP_EQ, _NE, _LT, _LE, _GT, _GE or _MASKED_EQ. */
public record SyscallArgSpec(Integer index, Long value, Long valueTwo, String op) {
}
