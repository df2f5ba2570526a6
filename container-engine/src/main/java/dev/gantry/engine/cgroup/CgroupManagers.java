package dev.gantry.engine.cgroup;

import dev.gantry.engine.cgroup.v1.CgroupV1Manager;
import dev.gantry.engine.cgroup.v2.CgroupV2Manager;

import java.nio.file.Files;
import java.nio.file.Path;

/** Picks the manager matching the host, like runc's cgroup factory. */
public final class CgroupManagers {

    private CgroupManagers() {
    }

    public static CgroupManager forHost() {
        return detect(Path.of("/sys/fs/cgroup"));
    }

    /**
     * A unified hierarchy at the root (cgroup.controllers present) means v2; otherwise v1
     * with one directory per controller (a hybrid host's cgroup2 under /unified is ignored:
     * its controller list is empty there).
     */
    public static CgroupManager detect(Path root) {
        if (Files.exists(root.resolve("cgroup.controllers"))) {
            return new CgroupV2Manager(root);
        }
        return new CgroupV1Manager(root);
    }
}
