package dev.gantry.engine.security;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalInt;

/** Syscall name to number for x86_64, from a table generated from the kernel's UAPI header. */
public final class SyscallTable {

    private static final Map<String, Integer> X86_64 = load("syscalls-x86_64.txt");

    private SyscallTable() {
    }

    public static OptionalInt x8664(String name) {
        Integer n = X86_64.get(name);
        return n == null ? OptionalInt.empty() : OptionalInt.of(n);
    }

    private static Map<String, Integer> load(String resource) {
        Map<String, Integer> m = new HashMap<>();
        try (var in = SyscallTable.class.getResourceAsStream(resource);
             var r = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.trim().split("\\s+");
                m.put(f[0], Integer.parseInt(f[1]));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.copyOf(m);
    }
}
