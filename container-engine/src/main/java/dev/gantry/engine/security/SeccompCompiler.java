package dev.gantry.engine.security;

import dev.gantry.engine.EngineException;
import dev.gantry.engine.ErrorCode;
import dev.gantry.engine.spec.SeccompSpec;
import dev.gantry.engine.spec.SyscallArgSpec;
import dev.gantry.engine.spec.SyscallRuleSpec;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * Compiles an OCI seccomp spec into a classic BPF program (struct sock_filter[]) for x86_64,
 * so the C shim only has to hand it to prctl and needs no libseccomp.
 *
 * <p>Layout: check the architecture (anything but x86_64, including the x32 ABI, gets the
 * default action's errno or is killed), then one block per (rule, syscall name): compare the
 * syscall number, check the argument conditions, return the rule's action; the first block
 * that matches wins, like libseccomp's rule order for distinct actions. Falls through to the
 * default action. Syscall names unknown to this kernel ABI are skipped, as runc does.
 */
public final class SeccompCompiler {

    static final int AUDIT_ARCH_X86_64 = 0xC000003E;
    static final int X32_SYSCALL_BIT = 0x40000000;

    static final int RET_KILL_PROCESS = 0x80000000;
    static final int RET_KILL_THREAD = 0x00000000;
    static final int RET_TRAP = 0x00030000;
    static final int RET_ERRNO = 0x00050000;
    static final int RET_TRACE = 0x7ff00000;
    static final int RET_LOG = 0x7ffc0000;
    static final int RET_ALLOW = 0x7fff0000;

    private static final int EPERM = 1;

    // BPF opcodes (linux/filter.h)
    private static final int LD_W_ABS = 0x20;
    private static final int JEQ_K = 0x15;
    private static final int JGT_K = 0x25;
    private static final int JGE_K = 0x35;
    private static final int AND_K = 0x54;
    private static final int RET_K = 0x06;

    private static final int OFF_NR = 0;
    private static final int OFF_ARCH = 4;
    private static final int OFF_ARGS = 16;

    private SeccompCompiler() {
    }

    /** @return the program as little-endian sock_filter structs (8 bytes each) */
    public static byte[] compile(SeccompSpec spec) {
        List<int[]> prog = new ArrayList<>();
        int defaultRet = action(spec.defaultAction(), spec.defaultErrnoRet(), "linux.seccomp.defaultAction");
        int badArch = defaultRet == RET_ALLOW ? RET_ERRNO | EPERM : defaultRet;
        prog.add(stmt(LD_W_ABS, OFF_ARCH));
        prog.add(jump(JEQ_K, AUDIT_ARCH_X86_64, 1, 0));
        prog.add(stmt(RET_K, badArch));
        prog.add(stmt(LD_W_ABS, OFF_NR));
        prog.add(jump(JGE_K, X32_SYSCALL_BIT, 0, 1));
        prog.add(stmt(RET_K, badArch));
        for (int r = 0; r < spec.syscalls().size(); r++) {
            SyscallRuleSpec rule = spec.syscalls().get(r);
            String field = "linux.seccomp.syscalls[" + r + "]";
            int ret = action(rule.action(), rule.errnoRet(), field + ".action");
            for (String name : rule.names()) {
                OptionalInt nr = SyscallTable.x8664(name);
                if (nr.isPresent()) {
                    prog.addAll(block(nr.getAsInt(), rule.args(), ret, field));
                }
            }
        }
        prog.add(stmt(RET_K, defaultRet));
        if (prog.size() > 4096) {
            throw new EngineException(ErrorCode.INVALID_SPEC,
                    "linux.seccomp: the profile compiles to " + prog.size() + " instructions, over the kernel's 4096");
        }
        ByteBuffer b = ByteBuffer.allocate(prog.size() * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (int[] ins : prog) {
            b.putShort((short) ins[0]).put((byte) ins[1]).put((byte) ins[2]).putInt(ins[3]);
        }
        return b.array();
    }

    static int action(String name, Integer errnoRet, String field) {
        if (name == null) {
            throw new EngineException(ErrorCode.INVALID_SPEC, field + ": missing");
        }
        return switch (name) {
            case "SCMP_ACT_ALLOW" -> RET_ALLOW;
            case "SCMP_ACT_ERRNO" -> RET_ERRNO | ((errnoRet == null ? EPERM : errnoRet) & 0xffff);
            case "SCMP_ACT_KILL", "SCMP_ACT_KILL_THREAD" -> RET_KILL_THREAD;
            case "SCMP_ACT_KILL_PROCESS" -> RET_KILL_PROCESS;
            case "SCMP_ACT_TRAP" -> RET_TRAP;
            case "SCMP_ACT_TRACE" -> RET_TRACE | ((errnoRet == null ? 0 : errnoRet) & 0xffff);
            case "SCMP_ACT_LOG" -> RET_LOG;
            default -> throw new EngineException(ErrorCode.INVALID_SPEC,
                    field + ": unsupported seccomp action " + name);
        };
    }

    // Symbolic jump targets inside a block, resolved once the block's length is known.
    private static final int NEXT = 0;
    private static final int PASS = -1;
    private static final int FAIL = -2;

    /** One rule for one syscall: on any mismatch jump past the block to the next rule. */
    private static List<int[]> block(int nr, List<SyscallArgSpec> args, int ret, String field) {
        List<int[]> b = new ArrayList<>();
        b.add(new int[] {JEQ_K, NEXT, FAIL, nr});
        for (int i = 0; i < args.size(); i++) {
            List<int[]> cond = condition(args.get(i), field + ".args[" + i + "]");
            int end = cond.size();
            for (int j = 0; j < cond.size(); j++) {
                int[] ins = cond.get(j);
                // PASS means "this condition holds": continue after it
                if (ins[1] == PASS) {
                    ins[1] = end - j - 1;
                }
                if (ins[2] == PASS) {
                    ins[2] = end - j - 1;
                }
            }
            b.addAll(cond);
            // the syscall number must be reloaded: conditions clobbered the accumulator
        }
        b.add(stmt(RET_K, ret));
        // every block starts from A = nr, so restore it for the next block
        b.add(stmt(LD_W_ABS, OFF_NR));
        int failTarget = b.size() - 1; // the reload instruction
        for (int j = 0; j < b.size(); j++) {
            int[] ins = b.get(j);
            if (ins[1] == FAIL) {
                ins[1] = failTarget - j - 1;
            }
            if (ins[2] == FAIL) {
                ins[2] = failTarget - j - 1;
            }
            if (ins[1] > 255 || ins[2] > 255) {
                throw new EngineException(ErrorCode.INVALID_SPEC, field + ": too many argument conditions");
            }
        }
        return b;
    }

    private static List<int[]> condition(SyscallArgSpec a, String field) {
        if (a.index() == null || a.index() < 0 || a.index() > 5) {
            throw new EngineException(ErrorCode.INVALID_SPEC, field + ".index: must be 0..5");
        }
        long v = a.value() == null ? 0 : a.value();
        long v2 = a.valueTwo() == null ? 0 : a.valueTwo();
        int lo = OFF_ARGS + 8 * a.index();
        int hi = lo + 4;
        int vlo = (int) v;
        int vhi = (int) (v >>> 32);
        String op = a.op() == null ? "" : a.op();
        List<int[]> c = new ArrayList<>();
        switch (op) {
            case "SCMP_CMP_EQ" -> {
                c.add(stmt(LD_W_ABS, hi));
                c.add(new int[] {JEQ_K, NEXT, FAIL, vhi});
                c.add(stmt(LD_W_ABS, lo));
                c.add(new int[] {JEQ_K, NEXT, FAIL, vlo});
            }
            case "SCMP_CMP_NE" -> {
                c.add(stmt(LD_W_ABS, hi));
                c.add(new int[] {JEQ_K, NEXT, PASS, vhi});
                c.add(stmt(LD_W_ABS, lo));
                c.add(new int[] {JEQ_K, FAIL, PASS, vlo});
            }
            case "SCMP_CMP_MASKED_EQ" -> {
                c.add(stmt(LD_W_ABS, hi));
                c.add(stmt(AND_K, vhi));
                c.add(new int[] {JEQ_K, NEXT, FAIL, (int) (v2 >>> 32)});
                c.add(stmt(LD_W_ABS, lo));
                c.add(stmt(AND_K, vlo));
                c.add(new int[] {JEQ_K, NEXT, FAIL, (int) v2});
            }
            case "SCMP_CMP_GT", "SCMP_CMP_GE" -> {
                c.add(stmt(LD_W_ABS, hi));
                c.add(new int[] {JGT_K, PASS, NEXT, vhi});
                c.add(new int[] {JEQ_K, NEXT, FAIL, vhi});
                c.add(stmt(LD_W_ABS, lo));
                c.add(new int[] {op.equals("SCMP_CMP_GT") ? JGT_K : JGE_K, PASS, FAIL, vlo});
            }
            case "SCMP_CMP_LT", "SCMP_CMP_LE" -> {
                c.add(stmt(LD_W_ABS, hi));
                c.add(new int[] {JGE_K, NEXT, PASS, vhi});
                c.add(new int[] {JEQ_K, NEXT, FAIL, vhi});
                c.add(stmt(LD_W_ABS, lo));
                c.add(new int[] {op.equals("SCMP_CMP_LT") ? JGE_K : JGT_K, FAIL, PASS, vlo});
            }
            default -> throw new EngineException(ErrorCode.INVALID_SPEC, field + ".op: unsupported " + a.op());
        }
        return c;
    }

    private static int[] stmt(int code, int k) {
        return new int[] {code, 0, 0, k};
    }

    private static int[] jump(int code, int k, int jt, int jf) {
        return new int[] {code, jt, jf, k};
    }
}
