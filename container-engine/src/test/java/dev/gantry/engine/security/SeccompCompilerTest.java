package dev.gantry.engine.security;

import dev.gantry.engine.EngineException;
import dev.gantry.engine.spec.SeccompSpec;
import dev.gantry.engine.spec.SyscallArgSpec;
import dev.gantry.engine.spec.SyscallRuleSpec;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Structure of the compiled BPF, checked by running it through a tiny interpreter of the
 * instructions the compiler emits (the real-kernel behaviour is in SecurityDefaultsTest).
 */
class SeccompCompilerTest {

    /** Evaluates the program for (arch, nr, args) like the kernel would. */
    static int run(byte[] prog, int arch, int nr, long... args) {
        ByteBuffer b = ByteBuffer.wrap(prog).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer data = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        data.putInt(0, nr).putInt(4, arch);
        for (int i = 0; i < args.length; i++) {
            data.putLong(16 + 8 * i, args[i]);
        }
        int a = 0;
        int pc = 0;
        while (true) {
            int code = b.getShort(pc * 8) & 0xffff;
            int jt = b.get(pc * 8 + 2) & 0xff;
            int jf = b.get(pc * 8 + 3) & 0xff;
            int k = b.getInt(pc * 8 + 4);
            pc++;
            switch (code) {
                case 0x20 -> a = data.getInt(k);
                case 0x54 -> a &= k;
                case 0x06 -> {
                    return k;
                }
                case 0x15 -> pc += a == k ? jt : jf;
                case 0x25 -> pc += Integer.compareUnsigned(a, k) > 0 ? jt : jf;
                case 0x35 -> pc += Integer.compareUnsigned(a, k) >= 0 ? jt : jf;
                default -> throw new AssertionError("unexpected opcode " + code);
            }
        }
    }

    private static final int X86_64 = SeccompCompiler.AUDIT_ARCH_X86_64;

    private static int nr(String name) {
        return SyscallTable.x8664(name).orElseThrow();
    }

    @Test
    void defaultProfileDeniesTheDangerousAndAllowsTheRest() {
        byte[] p = SeccompCompiler.compile(DefaultSeccompProfile.spec());
        assertEquals(0, p.length % 8);
        int eperm = SeccompCompiler.RET_ERRNO | 1;
        for (String denied : List.of("mount", "umount2", "init_module", "finit_module", "kexec_load", "reboot",
                "unshare", "setns", "bpf", "keyctl", "pivot_root", "open_by_handle_at")) {
            assertEquals(eperm, run(p, X86_64, nr(denied)), denied);
        }
        for (String allowed : List.of("read", "write", "openat", "execve", "socket", "mmap", "exit_group")) {
            assertEquals(SeccompCompiler.RET_ALLOW, run(p, X86_64, nr(allowed)), allowed);
        }
        assertEquals(SeccompCompiler.RET_ERRNO | 38, run(p, X86_64, nr("clone3")), "clone3 → ENOSYS");
        // clone: threads and forks yes, new namespaces no
        assertEquals(SeccompCompiler.RET_ALLOW, run(p, X86_64, nr("clone"), 0x3d0f00L)); // pthread_create's flags
        assertEquals(eperm, run(p, X86_64, nr("clone"), 0x11L | 0x20000000L)); // SIGCHLD | CLONE_NEWPID
        assertEquals(eperm, run(p, X86_64, nr("clone"), 0x10000000L)); // CLONE_NEWUSER
        // another architecture (i386) and the x32 ABI cannot be used to dodge the table
        assertEquals(eperm, run(p, 0x40000003, nr("read")));
        assertEquals(eperm, run(p, X86_64, 0x40000000 | nr("read")));
    }

    @Test
    void argumentComparisonsCover64BitValues() {
        int write = nr("write");
        for (var c : List.of(
                new Object[] {"SCMP_CMP_EQ", 5L, 5L, true}, new Object[] {"SCMP_CMP_EQ", 5L, 5L | (1L << 32), false},
                new Object[] {"SCMP_CMP_NE", 5L, 6L, true}, new Object[] {"SCMP_CMP_NE", 5L, 5L, false},
                new Object[] {"SCMP_CMP_GT", 5L, 6L, true}, new Object[] {"SCMP_CMP_GT", 5L, 5L, false},
                new Object[] {"SCMP_CMP_GT", 5L, 1L << 32, true}, new Object[] {"SCMP_CMP_GE", 5L, 5L, true},
                new Object[] {"SCMP_CMP_GE", 5L, 4L, false}, new Object[] {"SCMP_CMP_LT", 5L, 4L, true},
                new Object[] {"SCMP_CMP_LT", 5L, 5L, false}, new Object[] {"SCMP_CMP_LT", 1L << 32, 7L, true},
                new Object[] {"SCMP_CMP_LE", 5L, 5L, true}, new Object[] {"SCMP_CMP_LE", 5L, 6L, false})) {
            String op = (String) c[0];
            long value = (Long) c[1];
            long arg = (Long) c[2];
            boolean match = (Boolean) c[3];
            byte[] p = SeccompCompiler.compile(new SeccompSpec("SCMP_ACT_ALLOW", null, List.of(), List.of(
                    new SyscallRuleSpec(List.of("write"), "SCMP_ACT_ERRNO", 22,
                            List.of(new SyscallArgSpec(2, value, null, op))))));
            int expected = match ? SeccompCompiler.RET_ERRNO | 22 : SeccompCompiler.RET_ALLOW;
            assertEquals(expected, run(p, X86_64, write, 1, 0, arg), op + " " + value + " vs " + arg);
        }
    }

    @Test
    void maskedEqAndMultipleConditionsAreAnded() {
        byte[] p = SeccompCompiler.compile(new SeccompSpec("SCMP_ACT_ERRNO", null, List.of(), List.of(
                new SyscallRuleSpec(List.of("socket"), "SCMP_ACT_ALLOW", null, List.of(
                        new SyscallArgSpec(0, 2L, null, "SCMP_CMP_EQ"),
                        new SyscallArgSpec(1, 0xfL, 1L, "SCMP_CMP_MASKED_EQ"))))));
        int socket = nr("socket");
        assertEquals(SeccompCompiler.RET_ALLOW, run(p, X86_64, socket, 2, 0x80001)); // AF_INET, SOCK_STREAM|CLOEXEC
        assertEquals(SeccompCompiler.RET_ERRNO | 1, run(p, X86_64, socket, 2, 2)); // SOCK_DGRAM
        assertEquals(SeccompCompiler.RET_ERRNO | 1, run(p, X86_64, socket, 10, 1)); // AF_INET6
    }

    @Test
    void unknownActionsAndOpsNameTheField() {
        EngineException e = assertThrows(EngineException.class, () -> SeccompCompiler.compile(
                new SeccompSpec("SCMP_ACT_NOTIFY", null, List.of(), List.of())));
        assertTrue(e.getMessage().contains("linux.seccomp.defaultAction"), e.getMessage());
        EngineException op = assertThrows(EngineException.class, () -> SeccompCompiler.compile(
                new SeccompSpec("SCMP_ACT_ALLOW", null, List.of(), List.of(new SyscallRuleSpec(List.of("read"),
                        "SCMP_ACT_ERRNO", null, List.of(new SyscallArgSpec(0, 1L, null, "SCMP_CMP_FOO")))))));
        assertTrue(op.getMessage().contains("linux.seccomp.syscalls[0].args[0].op"), op.getMessage());
    }
}
