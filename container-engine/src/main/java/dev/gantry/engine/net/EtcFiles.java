package dev.gantry.engine.net;

import dev.gantry.engine.EngineException;
import dev.gantry.engine.ErrorCode;
import dev.gantry.engine.spec.MountSpec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code /etc/hosts}, {@code /etc/hostname} and {@code /etc/resolv.conf} for a container with
 * a network, written into its state dir and bind-mounted read-only over the image's (as
 * Docker does), so the image is never modified and the files go with the container.
 */
public final class EtcFiles {

    /** Used when the host only has loopback resolvers (e.g. systemd-resolved), which a container cannot reach. */
    static final List<String> FALLBACK_NAMESERVERS = List.of("8.8.8.8", "1.1.1.1");

    private EtcFiles() {
    }

    /** Writes the three files into {@code dir} and returns the bind mounts that put them in place. */
    public static List<MountSpec> write(Path dir, String hostname, String address) {
        List<MountSpec> mounts = new ArrayList<>();
        mounts.add(file(dir, "hosts", hosts(hostname, address)));
        mounts.add(file(dir, "hostname", hostname + "\n"));
        mounts.add(file(dir, "resolv.conf", resolvConf(readHostResolvConf())));
        return mounts;
    }

    static String hosts(String hostname, String address) {
        return "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n" + address + "\t" + hostname + "\n";
    }

    /** The host's resolv.conf without loopback nameservers; the fallback if none is left. */
    static String resolvConf(List<String> host) {
        StringBuilder other = new StringBuilder();
        List<String> servers = new ArrayList<>();
        for (String line : host) {
            String t = line.trim();
            if (t.startsWith("nameserver")) {
                String[] f = t.split("\\s+");
                if (f.length > 1 && !f[1].startsWith("127.") && !f[1].equals("::1")) {
                    servers.add(f[1]);
                }
            } else if (t.startsWith("search") || t.startsWith("options") || t.startsWith("domain")) {
                other.append(t).append('\n');
            }
        }
        if (servers.isEmpty()) {
            servers = FALLBACK_NAMESERVERS;
        }
        StringBuilder b = new StringBuilder();
        servers.forEach(s -> b.append("nameserver ").append(s).append('\n'));
        return b.append(other).toString();
    }

    private static List<String> readHostResolvConf() {
        try {
            return Files.readAllLines(Path.of("/etc/resolv.conf"));
        } catch (IOException e) {
            return List.of();
        }
    }

    private static MountSpec file(Path dir, String name, String content) {
        Path f = dir.resolve("etc-" + name);
        try {
            Files.writeString(f, content);
        } catch (IOException e) {
            throw new EngineException(ErrorCode.IO, "write " + f + ": " + e.getMessage(), e);
        }
        return new MountSpec("/etc/" + name, "bind", f.toString(), List.of("rbind", "ro", "nosuid", "nodev", "noexec"));
    }
}
