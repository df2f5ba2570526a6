package sample;

import com.sun.net.httpserver.HttpServer;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/** Answers every request on $PORT (or -Dserver.port) with a greeting. */
public final class Main {

    public static void main(String[] args) throws Exception {
        String p = System.getProperty("server.port", System.getenv().getOrDefault("PORT", "5000"));
        HttpServer server = HttpServer.create(new InetSocketAddress(Integer.parseInt(p)), 0);
        server.createContext("/", ex -> {
            byte[] body = ("hello from maven on java " + Runtime.version().feature() + "\n").getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "text/plain");
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        System.out.println("listening on " + p);
    }
}
