package dev.gantry.router;

import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static dev.gantry.router.Fixture.app;
import static dev.gantry.router.Fixture.await;
import static dev.gantry.router.Fixture.eventually;
import static dev.gantry.router.Fixture.table;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** WebSocket upgrade through the router to an echo origin. */
class WebSocketTest {

    @TempDir
    Path state;
    Fixture fx;

    @BeforeEach
    void setUp() {
        fx = new Fixture(state);
    }

    @AfterEach
    void tearDown() {
        fx.close();
    }

    @Test
    void echoesAndOutlivesTheRequestTimeout() throws Exception {
        AtomicReference<String> seenHost = new AtomicReference<>();
        HttpServer origin = fx.vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0))
                .webSocketHandler(ws -> {
                    seenHost.set(ws.headers().get("Host") + " " + ws.path());
                    ws.handler(ws::write);
                });
        int port = await(origin.listen()).actualPort();
        Router r = fx.router();
        // A short request timeout: an idle WebSocket must not be cut by it.
        r.update(table(1, app("web.acme", List.of(), new RouteOptions(Balancer.ROUND_ROBIN, 300), port)));

        HttpClient client = fx.vertx.createHttpClient();
        WebSocket ws = await(client.webSocket(new WebSocketConnectOptions()
                .setHost("127.0.0.1").setPort(r.httpPort()).setURI("/socket")
                .putHeader("Host", "web.acme.localhost:" + r.httpPort())));
        StringBuilder received = new StringBuilder();
        ws.handler(buf -> {
            synchronized (received) {
                received.append(buf.toString());
            }
        });
        await(ws.writeTextMessage("hello"));
        eventually("the echo arrives", () -> {
            synchronized (received) {
                return received.toString().equals("hello");
            }
        });
        Thread.sleep(1000); // idle for longer than the app's 300 ms request timeout
        await(ws.writeTextMessage(" again"));
        eventually("the second echo arrives", () -> {
            synchronized (received) {
                return received.toString().equals("hello again");
            }
        });
        assertEquals("web.acme.localhost:" + r.httpPort() + " /socket", seenHost.get());
        assertEquals(1, r.status().get(0).inFlight(), "an open WebSocket counts as in flight");
        await(ws.close());
        eventually("closing the socket releases the instance", () -> r.status().get(0).inFlight() == 0);
        await(client.close());
    }
}
