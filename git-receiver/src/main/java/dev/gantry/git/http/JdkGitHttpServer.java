package dev.gantry.git.http;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * Serves a {@link GitHttpHandler} with the JDK's built-in HTTP server: used by the tests, and the
 * reference for how any server mounts the handler (map the exchange onto {@link GitHttpRequest},
 * start a chunked response in {@link GitHttpResponse#start}, run on a worker thread because a push
 * blocks for the whole deploy).
 */
public final class JdkGitHttpServer implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService workers;

    private JdkGitHttpServer(HttpServer server, ExecutorService workers) {
        this.server = server;
        this.workers = workers;
    }

    /** Starts serving {@code handler} under {@code prefix} on {@code address} (port 0 picks a free port). */
    public static JdkGitHttpServer start(InetSocketAddress address, String prefix, GitHttpHandler handler) throws IOException {
        HttpServer server = HttpServer.create(address, 0);
        // One thread per exchange: pushes to one app wait on each other's deploy lock, so a bounded
        // pool could starve the push that holds the lock of the thread it needs to finish.
        ExecutorService workers = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "gantry-git-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(workers);
        server.createContext(prefix, exchange -> serve(handler, exchange));
        server.start();
        return new JdkGitHttpServer(server, workers);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private static void serve(GitHttpHandler handler, HttpExchange exchange) throws IOException {
        try {
            GitHttpRequest request = new GitHttpRequest(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                    exchange.getRequestURI().getRawQuery(), exchange.getRequestHeaders(),
                    new BoundedSkipInputStream(exchange.getRequestBody()));
            handler.handle(request, (status, headers) -> {
                headers.forEach(exchange.getResponseHeaders()::set);
                exchange.sendResponseHeaders(status, 0); // 0 = chunked: the length is never known up front
                return exchange.getResponseBody();
            });
        } finally {
            exchange.close();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        workers.shutdownNow();
    }
}
