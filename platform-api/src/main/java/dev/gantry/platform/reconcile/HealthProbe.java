package dev.gantry.platform.reconcile;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * Whether an instance is ready for traffic: it accepts a TCP connection on its port, or, when the app has a
 * health check path, answers {@code GET <path>} with 2xx or 3xx. Checks are short and blocking; the reconciler
 * runs a few per pass.
 */
final class HealthProbe {

    private static final int CONNECT_TIMEOUT_MS = 300;
    private static final int READ_TIMEOUT_MS = 2000;

    private HealthProbe() {
    }

    static boolean healthy(String host, int port, String path, String hostHeader) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), CONNECT_TIMEOUT_MS);
            if (path == null) {
                return true;
            }
            s.setSoTimeout(READ_TIMEOUT_MS);
            OutputStream out = s.getOutputStream();
            out.write(("GET " + path + " HTTP/1.0\r\nHost: " + hostHeader + "\r\nUser-Agent: gantry-health\r\n"
                    + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return statusOk(statusLine(s.getInputStream()));
        } catch (IOException e) {
            return false;
        }
    }

    private static String statusLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c != -1 && c != '\n' && line.length() < 200; c = in.read()) {
            line.append((char) c);
        }
        return line.toString();
    }

    static boolean statusOk(String statusLine) {
        String[] parts = statusLine.trim().split(" ");
        if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
            return false;
        }
        return parts[1].length() == 3 && (parts[1].charAt(0) == '2' || parts[1].charAt(0) == '3');
    }
}
