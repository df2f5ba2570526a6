package dev.gantry.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** OCI mount options split into mount(2) flags, propagation flags and filesystem data. */
record MountOptions(long flags, long propagation, String data) {

    private static final long MS_REC = 16384;

    /** option → {flag to set, 1 if the option clears it instead} */
    private static final Map<String, long[]> FLAGS = Map.ofEntries(
            Map.entry("ro", new long[] {1, 0}), Map.entry("rw", new long[] {1, 1}),
            Map.entry("nosuid", new long[] {2, 0}), Map.entry("suid", new long[] {2, 1}),
            Map.entry("nodev", new long[] {4, 0}), Map.entry("dev", new long[] {4, 1}),
            Map.entry("noexec", new long[] {8, 0}), Map.entry("exec", new long[] {8, 1}),
            Map.entry("sync", new long[] {16, 0}), Map.entry("async", new long[] {16, 1}),
            Map.entry("dirsync", new long[] {128, 0}),
            Map.entry("noatime", new long[] {1024, 0}), Map.entry("atime", new long[] {1024, 1}),
            Map.entry("nodiratime", new long[] {2048, 0}), Map.entry("diratime", new long[] {2048, 1}),
            Map.entry("bind", new long[] {4096, 0}), Map.entry("rbind", new long[] {4096 | MS_REC, 0}),
            Map.entry("relatime", new long[] {1 << 21, 0}), Map.entry("norelatime", new long[] {1 << 21, 1}),
            Map.entry("strictatime", new long[] {1 << 24, 0}), Map.entry("nostrictatime", new long[] {1 << 24, 1}),
            Map.entry("silent", new long[] {32768, 0}), Map.entry("loud", new long[] {32768, 1}));

    private static final Map<String, Long> PROPAGATION = Map.of(
            "private", 1L << 18, "rprivate", (1L << 18) | MS_REC,
            "slave", 1L << 19, "rslave", (1L << 19) | MS_REC,
            "shared", 1L << 20, "rshared", (1L << 20) | MS_REC,
            "unbindable", 1L << 17, "runbindable", (1L << 17) | MS_REC);

    static MountOptions parse(List<String> options, boolean bindType) {
        long flags = bindType ? 4096 : 0;
        long prop = 0;
        List<String> data = new ArrayList<>();
        for (String o : options) {
            long[] f = FLAGS.get(o);
            if (f != null) {
                flags = f[1] == 0 ? flags | f[0] : flags & ~f[0];
            } else if (PROPAGATION.containsKey(o)) {
                prop |= PROPAGATION.get(o);
            } else {
                data.add(o);
            }
        }
        return new MountOptions(flags, prop, String.join(",", data));
    }

    static long propagation(String name) {
        return name == null ? 0 : PROPAGATION.getOrDefault(name, 0L);
    }
}
