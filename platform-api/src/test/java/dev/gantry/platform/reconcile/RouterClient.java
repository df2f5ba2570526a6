package dev.gantry.platform.reconcile;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A minimal HTTP/1.0 client that sets any Host header, as a browser reaching an app by its name would. */
public final class RouterClient {

    public record Answer(int status, String body) {
    }

    private RouterClient() {
    }

    public static Answer get(int port, String host, String path) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            s.setSoTimeout(10_000);
            s.getOutputStream().write(("GET " + path + " HTTP/1.0\r\nHost: " + host + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            in.transferTo(buf);
            String response = buf.toString(StandardCharsets.UTF_8);
            int status = Integer.parseInt(response.substring(9, 12));
            int body = response.indexOf("\r\n\r\n");
            return new Answer(status, body < 0 ? "" : response.substring(body + 4).trim());
        } catch (IOException | RuntimeException e) {
            return new Answer(-1, e.toString());
        }
    }
}
