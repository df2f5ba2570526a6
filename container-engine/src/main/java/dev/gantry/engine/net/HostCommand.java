package dev.gantry.engine.net;

import dev.gantry.engine.EngineException;
import dev.gantry.engine.ErrorCode;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Runs {@code nft} with a script on stdin: one process and one atomic transaction, whatever
 * the number of changes. Only for installing the table and rewriting the sets (rare); what a
 * container's create/delete changes goes through netlink in-process
 * ({@link dev.gantry.engine.sys.Netlink}).
 */
final class HostCommand {

    private HostCommand() {
    }

    /** {@code nft -f -}: the whole script is one atomic transaction. */
    static String nft(String step, List<String> lines) {
        return run(step, List.of("nft", "-f", "-"), lines);
    }

    static String run(String step, List<String> command, List<String> stdin) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            try (OutputStream in = p.getOutputStream()) {
                in.write((String.join("\n", stdin) + "\n").getBytes(StandardCharsets.UTF_8));
            } catch (IOException ignored) {
                // it exited early; its output says why
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            int rc = p.waitFor();
            if (rc != 0) {
                throw new EngineException(ErrorCode.NETWORK, step + ": " + String.join(" ", command) + " exited " + rc
                        + ": " + out + " (input: " + String.join("; ", stdin) + ")");
            }
            return out;
        } catch (IOException e) {
            throw new EngineException(ErrorCode.NETWORK, step + ": cannot run " + command.get(0) + " (" + e.getMessage()
                    + "); install nftables", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineException(ErrorCode.TIMEOUT, step + ": interrupted", e);
        }
    }
}
