package dev.gantry.engine.security;

import dev.gantry.engine.spec.SeccompSpec;
import dev.gantry.engine.spec.SyscallArgSpec;
import dev.gantry.engine.spec.SyscallRuleSpec;

import java.util.ArrayList;
import java.util.List;

/**
 * Gantry's default seccomp profile: allow everything except what Docker's default profile
 * denies to a container without extra capabilities (mount, module loading, kexec, reboot,
 * namespace creation, keyring, bpf, perf, clock setting, ptrace-like memory access, ...).
 * Written as a deny list so it is short enough to read; it is an OCI spec fragment, so crun
 * applies exactly the same profile to the same bundle.
 */
public final class DefaultSeccompProfile {

    static final List<String> DENIED = List.of(
            "acct", "add_key", "bpf", "clock_adjtime", "clock_settime", "create_module",
            "delete_module", "finit_module", "fsconfig", "fsmount", "fsopen", "fspick",
            "get_kernel_syms", "get_mempolicy", "init_module", "ioperm", "iopl", "kcmp",
            "kexec_file_load", "kexec_load", "keyctl", "lookup_dcookie", "mbind", "mount",
            "mount_setattr", "move_mount", "move_pages", "name_to_handle_at", "nfsservctl",
            "open_by_handle_at", "open_tree", "perf_event_open", "pivot_root", "process_vm_readv",
            "process_vm_writev", "quotactl", "quotactl_fd", "reboot", "request_key", "set_mempolicy",
            "setns", "settimeofday", "swapoff", "swapon", "syslog", "sysfs", "umount2", "unshare",
            "uselib", "userfaultfd", "ustat", "vhangup", "_sysctl");

    /** CLONE_NEWNS, NEWCGROUP, NEWUTS, NEWIPC, NEWUSER, NEWPID, NEWNET: clone may not create namespaces. */
    static final long[] CLONE_NS_FLAGS = {
            0x00020000L, 0x02000000L, 0x04000000L, 0x08000000L, 0x10000000L, 0x20000000L, 0x40000000L};

    private static final int ENOSYS = 38;

    private DefaultSeccompProfile() {
    }

    public static SeccompSpec spec() {
        List<SyscallRuleSpec> rules = new ArrayList<>();
        rules.add(new SyscallRuleSpec(DENIED, "SCMP_ACT_ERRNO", 1, List.of()));
        for (long flag : CLONE_NS_FLAGS) {
            rules.add(new SyscallRuleSpec(List.of("clone"), "SCMP_ACT_ERRNO", 1,
                    List.of(new SyscallArgSpec(0, flag, flag, "SCMP_CMP_MASKED_EQ"))));
        }
        // clone3 passes its flags in memory, which seccomp cannot inspect: ENOSYS makes libc
        // fall back to clone, whose flags the rules above do check (Docker does the same).
        rules.add(new SyscallRuleSpec(List.of("clone3"), "SCMP_ACT_ERRNO", ENOSYS, List.of()));
        return new SeccompSpec("SCMP_ACT_ALLOW", null, List.of("SCMP_ARCH_X86_64"), rules);
    }
}
