package dev.gantry.engine.sys;

import dev.gantry.engine.ErrorCode;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SyscallsTest {

    @Test
    void errorsNameTheCallThePathAndTheErrno() {
        org.junit.jupiter.api.Assumptions.assumeTrue(Syscalls.geteuid() == 0,
                "SKIPPED: without root mount fails with EPERM before it looks at the path");
        SyscallException e = assertThrows(SyscallException.class,
                () -> Syscalls.mount("tmpfs", "/nonexistent/gantry-test", "tmpfs", 0, null));
        assertEquals(2, e.errno());
        assertEquals("mount tmpfs /nonexistent/gantry-test: ENOENT (No such file or directory)", e.getMessage());
        assertEquals(ErrorCode.SYSCALL, e.code());
        SyscallException u = assertThrows(SyscallException.class, () -> Syscalls.umount2("/nonexistent/gantry-test", 0));
        assertTrue(u.getMessage().startsWith("umount2 /nonexistent/gantry-test: ENOENT"), u.getMessage());
    }

    @Test
    void killReportsAMissingProcessAsFalse() {
        assertFalse(Syscalls.kill(Integer.MAX_VALUE - 1, 0));
        assertTrue(Syscalls.kill((int) ProcessHandle.current().pid(), 0));
    }

    @Test
    void killExactRefusesAReusedPid() throws Exception {
        Process p = new ProcessBuilder("sleep", "30").start();
        int pid = (int) p.pid();
        long start = ProcFs.startTime(pid);
        assertFalse(Syscalls.killExact(pid, start + 1, 9), "different start time: not our process");
        assertTrue(p.isAlive());
        assertTrue(Syscalls.killExact(pid, start, 9));
        p.waitFor();
        assertFalse(Syscalls.killExact(pid, start, 9), "gone");
    }

    @Test
    void procFsIdentifiesProcessesByStartTime() {
        int self = (int) ProcessHandle.current().pid();
        long start = ProcFs.startTime(self);
        assertTrue(start > 0);
        assertTrue(ProcFs.isAlive(self, start));
        assertFalse(ProcFs.isAlive(self, start + 1), "same pid, different start time: a reused pid");
        assertTrue(ProcFs.openFds() > 0);
    }

    @Test
    void rlimitsAreReadable() {
        long[] r = Syscalls.getrlimit(Syscalls.RLIMIT_NOFILE);
        assertTrue(r[0] > 0 && Long.compareUnsigned(r[0], r[1]) <= 0);
    }
}
