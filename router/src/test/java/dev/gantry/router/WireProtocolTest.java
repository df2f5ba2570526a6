package dev.gantry.router;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static dev.gantry.router.Fixture.app;
import static dev.gantry.router.Fixture.table;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * HTTP/1.1 on the wire of the plain port, spoken by raw sockets: pipelining, keep-alive, body
 * framing both ways, hop-by-hop headers, malformed requests, 100-continue, HEAD/204/304 and origins
 * that misbehave (raw {@link ServerSocket}s). Every socket has a 5 s read timeout, so a framing bug
 * shows up as a failure, not a hang.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WireProtocolTest {

    static final String HOST = "web.acme.localhost";
    static final int READ_TIMEOUT_MILLIS = 5_000;

    @TempDir
    Path state;
    Fixture fx;
    final List<AutoCloseable> closeables = new ArrayList<>();

    @BeforeEach
    void setUp() {
        fx = new Fixture(state);
    }

    @AfterEach
    void tearDown() throws Exception {
        Exception first = null;
        for (AutoCloseable c : closeables) {
            try {
                c.close();
            } catch (Exception e) {
                first = first == null ? e : first;
            }
        }
        fx.close();
        if (first != null) {
            throw first;
        }
    }

    /** A router whose only app, web.acme, is served by the origin on {@code port}. */
    Router routerFor(int port) {
        Router r = fx.router();
        r.update(table(1, app("web.acme", port)));
        return r;
    }

    Conn connect(Router r) throws IOException {
        Conn c = new Conn(new Socket(InetAddress.getLoopbackAddress(), r.httpPort()));
        closeables.add(c);
        return c;
    }

    RawOrigin rawOrigin(RawHandler handler) throws IOException {
        RawOrigin o = new RawOrigin(handler);
        closeables.add(o);
        return o;
    }

    static String get(String path) {
        return "GET " + path + " HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n";
    }

    static JsonObject json(Resp r) {
        return new JsonObject(r.body);
    }

    // ---------------------------------------------------------------------------------------- tests

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws Exception {
        Router r = routerFor(fx.echoOrigin("web"));
        try (Conn c = connect(r)) {
            c.send(get("/one") + get("/two?x=1"));
            Resp first = c.read();
            Resp second = c.read();
            assertEquals(200, first.status);
            assertEquals("/one", json(first).getString("uri"));
            assertNotNull(first.header("x-request-id"), "every response carries X-Request-Id");
            assertEquals(200, second.status);
            assertEquals("/two?x=1", json(second).getString("uri"));
            assertNotNull(second.header("x-request-id"));
            assertFalse(first.header("x-request-id").equals(second.header("x-request-id")), "one id per request");
        }
    }

    @Test
    void originConnectionsAreReusedThenClosedAfterTheKeepAliveTime() throws Exception {
        java.util.concurrent.atomic.AtomicInteger opened = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger closed = new java.util.concurrent.atomic.AtomicInteger();
        io.vertx.core.http.HttpServer origin = fx.vertx.createHttpServer(
                        new io.vertx.core.http.HttpServerOptions().setHost("127.0.0.1").setPort(0))
                .connectionHandler(conn -> {
                    opened.incrementAndGet();
                    conn.closeHandler(v -> closed.incrementAndGet());
                })
                .requestHandler(req -> req.response().end("ok"));
        int port = Fixture.await(origin.listen()).actualPort();
        closeables.add(() -> Fixture.await(origin.close()));
        Router r = fx.router(fx.config().withOriginKeepAliveSeconds(1));
        r.update(table(1, app("web.acme", port)));
        try (Conn c = connect(r)) {
            for (int i = 0; i < 5; i++) {
                c.send(get("/" + i));
                assertEquals(200, c.read().status);
            }
        }
        assertEquals(1, opened.get(), "five sequential requests share one pooled origin connection");
        Fixture.eventually("the idle origin connection is closed after the keep-alive time", () -> closed.get() == 1);
    }

    @Test
    void keepAliveCarriesSequentialRequests() throws Exception {
        Router r = routerFor(fx.echoOrigin("web"));
        try (Conn c = connect(r)) {
            for (int i = 0; i < 3; i++) {
                c.send(get("/seq/" + i));
                Resp resp = c.read();
                assertEquals(200, resp.status);
                assertEquals("/seq/" + i, json(resp).getString("uri"));
            }
        }
    }

    @Test
    void http10WithoutKeepAliveIsAnsweredThenClosed() throws Exception {
        Router r = routerFor(fx.echoOrigin("web"));
        try (Conn c = connect(r)) {
            c.send("GET /old HTTP/1.0\r\nHost: " + HOST + "\r\n\r\n");
            Resp resp = c.read();
            assertEquals(200, resp.status);
            assertFalse(resp.chunked(), "no chunked framing towards an HTTP/1.0 client");
            assertEquals("/old", json(resp).getString("uri"));
            c.assertClosedByPeer("after an HTTP/1.0 request without keep-alive");
        }
    }

    @Test
    void chunkedRequestBodyReachesTheOriginAndTheConnectionStaysUsable() throws Exception {
        Router r = routerFor(fx.echoOrigin("web"));
        try (Conn c = connect(r)) {
            c.send("POST /up HTTP/1.1\r\nHost: " + HOST + "\r\nTransfer-Encoding: chunked\r\n"
                    + "Content-Type: text/plain\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
            Resp up = c.read();
            assertEquals(200, up.status);
            assertEquals("POST", json(up).getString("method"));
            assertEquals("hello world", json(up).getString("body"));

            c.send(get("/next"));
            Resp next = c.read();
            assertEquals(200, next.status);
            assertEquals("/next", json(next).getString("uri"));
        }
    }

    @Test
    void closeDelimitedOriginResponseIsRelayedWhole() throws Exception {
        RawOrigin origin = rawOrigin((in, out) -> {
            readHead(in);
            out.write(ascii("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nabc"));
            out.flush();
            // returning closes the connection: that close is the end of the body
        });
        Router r = routerFor(origin.port());
        try (Conn c = connect(r)) {
            c.send(get("/legacy"));
            Resp resp = c.read(); // chunked, or close-delimited: both are acceptable
            assertEquals(200, resp.status);
            assertEquals("abc", resp.body);
            assertEquals("text/plain", resp.header("content-type"));
        }
    }

    @Test
    void hopByHopRequestHeadersStayOnTheClientConnection() throws Exception {
        Router r = routerFor(fx.echoOrigin("web"));
        try (Conn c = connect(r)) {
            c.send("GET /hop HTTP/1.1\r\nHost: " + HOST + "\r\nConnection: close, X-Secret\r\n"
                    + "X-Secret: 1\r\nKeep-Alive: 5\r\nX-Other: 2\r\n\r\n");
            Resp resp = c.read();
            assertEquals(200, resp.status);
            JsonObject seen = json(resp).getJsonObject("headers");
            assertNull(seen.getString("x-secret"), "a header named in Connection is hop-by-hop: " + seen);
            assertNull(seen.getString("keep-alive"), "Keep-Alive is hop-by-hop: " + seen);
            String conn = seen.getString("connection");
            assertTrue(conn == null || !conn.toLowerCase(Locale.ROOT).contains("x-secret"), "Connection: " + conn);
            assertEquals("2", seen.getString("x-other"));
            // what the router adds
            assertEquals("127.0.0.1", seen.getString("x-forwarded-for"));
            assertEquals("http", seen.getString("x-forwarded-proto"));
            assertEquals(Integer.toString(r.httpPort()), seen.getString("x-forwarded-port"));
            assertEquals(HOST, seen.getString("x-forwarded-host"));
            assertTrue(seen.getString("via", "").contains("gantry"), "Via: " + seen.getString("via"));
            assertEquals(resp.header("x-request-id"), seen.getString("x-request-id"));
        }
    }

    /** RFC 9112 section 9.6: "close" is a connection option, wherever it sits in the Connection list. */
    @Test
    void connectionCloseIsHonouredAloneAndInAList() throws Exception {
        Router r = routerFor(fx.echoOrigin("web"));
        for (String connection : List.of("close", "close, X-Secret", "X-Secret, Close")) {
            try (Conn c = connect(r)) {
                c.send("GET /bye HTTP/1.1\r\nHost: " + HOST + "\r\nConnection: " + connection + "\r\n\r\n");
                Resp resp = c.read();
                assertEquals(200, resp.status);
                c.assertClosedByPeer("after Connection: " + connection);
                assertEquals("close", String.valueOf(resp.header("connection")).toLowerCase(Locale.ROOT),
                        "Connection: " + connection + " is answered with Connection: close");
            }
        }
    }

    @Test
    void hopByHopResponseHeadersStayOnTheOriginConnection() throws Exception {
        int port = fx.origin(req -> req.response()
                .putHeader("Connection", "X-Private")
                .putHeader("X-Private", "1")
                .putHeader("X-Public", "2")
                .end("ok"));
        Router r = routerFor(port);
        try (Conn c = connect(r)) {
            c.send(get("/hop"));
            Resp resp = c.read();
            assertEquals(200, resp.status);
            assertEquals("ok", resp.body);
            assertNull(resp.header("x-private"), "a header named in the origin's Connection: " + resp.headers);
            assertEquals("2", resp.header("x-public"));
            String conn = resp.header("connection");
            assertTrue(conn == null || !conn.toLowerCase(Locale.ROOT).contains("x-private"), "Connection: " + conn);
        }
    }

    @Test
    void garbageRequestLineIsRefused() throws Exception {
        Router r = routerFor(fx.echoOrigin("web"));
        try (Conn c = connect(r)) {
            c.send("HELLO\r\n\r\n");
            Resp resp = c.readOrNullIfClosed();
            if (resp != null) {
                assertTrue(resp.status >= 400 && resp.status < 500, "status " + resp.status);
            }
            c.assertClosedByPeer("after an unparseable request"); // nothing after it can be framed
        }
    }

    /** Request smuggling defence (RFC 9112 section 6.3): both framings at once is refused outright. */
    @Test
    void contentLengthWithTransferEncodingIsRefused() throws Exception {
        Router r = routerFor(fx.echoOrigin("web"));
        try (Conn c = connect(r)) {
            c.send("POST /smuggle HTTP/1.1\r\nHost: " + HOST + "\r\nContent-Length: 5\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n");
            Resp resp = c.read();
            assertEquals(400, resp.status, "answered " + resp.status + " with body " + resp.body);
            c.assertClosedByPeer("after refusing Content-Length with Transfer-Encoding"); // RFC 9112 section 6.3
        }
    }

    @Test
    void oversizedHeaderBlockIsRefused() throws Exception {
        Router r = routerFor(fx.echoOrigin("web"));
        try (Conn c = connect(r)) {
            c.send("GET /big HTTP/1.1\r\nHost: " + HOST + "\r\nX-Big: " + "a".repeat(20 * 1024) + "\r\n\r\n");
            Resp resp = c.read();
            assertTrue(resp.status >= 400 && resp.status < 500, "status " + resp.status); // 431 today
            c.assertClosedByPeer("after refusing an oversized head");
        }
    }

    @Test
    void expectContinueGets100ThenTheFinalAnswer() throws Exception {
        Router r = routerFor(fx.echoOrigin("web"));
        try (Conn c = connect(r)) {
            c.send("POST /ask HTTP/1.1\r\nHost: " + HOST + "\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
            Resp interim = c.read();
            assertEquals(100, interim.status);
            c.send("hello");
            Resp resp = c.read();
            assertEquals(200, resp.status);
            assertEquals("hello", json(resp).getString("body"));
            assertNull(json(resp).getJsonObject("headers").getString("expect"), "the router answered the Expect itself");
        }
    }

    @Test
    void headResponseHasContentLengthButNoBody() throws Exception {
        int port = fx.origin(req -> {
            if (req.method() == io.vertx.core.http.HttpMethod.HEAD) {
                req.response().putHeader("Content-Length", "5").end();
            } else {
                req.response().end("hello");
            }
        });
        Router r = routerFor(port);
        try (Conn c = connect(r)) {
            c.send("HEAD /h HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n");
            Resp head = c.readHead();
            assertEquals(200, head.status);
            assertEquals("5", head.header("content-length"));
            assertFalse(head.chunked());

            c.send(get("/h"));
            Resp next = c.read(); // a stray body after the HEAD answer would be read as this status line
            assertEquals(200, next.status);
            assertEquals("hello", next.body);
        }
    }

    @Test
    void bodylessStatusesKeepTheConnectionUsable() throws Exception {
        int port = fx.origin(req -> {
            switch (req.path()) {
                case "/204" -> req.response().setStatusCode(204).end();
                case "/304" -> req.response().setStatusCode(304).putHeader("ETag", "\"v1\"").end();
                default -> req.response().end("after");
            }
        });
        Router r = routerFor(port);
        try (Conn c = connect(r)) {
            c.send(get("/204"));
            Resp noContent = c.read();
            assertEquals(204, noContent.status);
            assertEquals("", noContent.body);
            assertFalse(noContent.chunked(), "204 has no body, so no chunked framing");

            c.send("GET /304 HTTP/1.1\r\nHost: " + HOST + "\r\nIf-None-Match: \"v1\"\r\n\r\n");
            Resp notModified = c.read();
            assertEquals(304, notModified.status);
            assertEquals("\"v1\"", notModified.header("etag"));
            assertFalse(notModified.chunked(), "304 has no body, so no chunked framing");

            c.send(get("/ok"));
            Resp after = c.read();
            assertEquals(200, after.status);
            assertEquals("after", after.body);
        }
    }

    @Test
    void slowOriginResponseArrivesWhole() throws Exception {
        RawOrigin origin = rawOrigin((in, out) -> {
            readHead(in);
            out.write(ascii("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 10\r\nConnection: close\r\n\r\n"));
            out.flush();
            Thread.sleep(100);
            out.write(ascii("hello"));
            out.flush();
            Thread.sleep(100);
            out.write(ascii("world"));
            out.flush();
        });
        Router r = routerFor(origin.port());
        try (Conn c = connect(r)) {
            c.send(get("/slow"));
            Resp resp = c.read();
            assertEquals(200, resp.status);
            assertEquals("helloworld", resp.body);
        }
    }

    /** A byte-level parser must cope with chunk sizes and data split across reads. */
    @Test
    void slowChunkedOriginResponseSplitMidChunkArrivesWhole() throws Exception {
        RawOrigin origin = rawOrigin((in, out) -> {
            readHead(in);
            String[] pieces = {
                    "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n",
                    "Connection: close\r\n\r\n5\r", "\nhel", "lo\r\n", "6\r\n wor", "ld\r\n0\r", "\n\r\n"};
            for (String p : pieces) {
                out.write(ascii(p));
                out.flush();
                Thread.sleep(50);
            }
        });
        Router r = routerFor(origin.port());
        try (Conn c = connect(r)) {
            c.send(get("/slow"));
            Resp resp = c.read();
            assertEquals(200, resp.status);
            assertEquals("hello world", resp.body);
        }
    }

    /** A byte-level parser must cope with a request head that arrives in pieces. */
    @Test
    void requestHeadSplitAcrossWritesIsParsed() throws Exception {
        Router r = routerFor(fx.echoOrigin("web"));
        try (Conn c = connect(r)) {
            String[] pieces = {"GE", "T /pie", "ces HTTP/1.1\r", "\nHost: " + HOST + "\r\nX-Sp", "lit: yes\r\n\r", "\n"};
            for (String p : pieces) {
                c.send(p);
                Thread.sleep(30);
            }
            Resp resp = c.read();
            assertEquals(200, resp.status);
            assertEquals("/pieces", json(resp).getString("uri"));
            assertEquals("yes", json(resp).getJsonObject("headers").getString("x-split"));
        }
    }

    // -------------------------------------------------------------------------------------- helpers

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Reads up to and including the blank line that ends an HTTP head. */
    static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed inside a head: " + head.toString(StandardCharsets.ISO_8859_1));
            }
            head.write(b);
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    /** One parsed response. Header names are lower-cased; repeated headers are joined with ", ". */
    record Resp(String version, int status, String reason, Map<String, String> headers, String body) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        boolean chunked() {
            String te = header("transfer-encoding");
            return te != null && te.toLowerCase(Locale.ROOT).contains("chunked");
        }
    }

    /** A raw client connection that frames responses itself. */
    static final class Conn implements AutoCloseable {
        final Socket socket;
        final InputStream in;
        final OutputStream out;

        Conn(Socket socket) throws IOException {
            this.socket = socket;
            socket.setSoTimeout(READ_TIMEOUT_MILLIS);
            socket.setTcpNoDelay(true);
            this.in = new BufferedInputStream(socket.getInputStream());
            this.out = socket.getOutputStream();
        }

        void send(String s) throws IOException {
            out.write(ascii(s));
            out.flush();
        }

        /** The next response, body framed by the rules for a response to GET/POST. */
        Resp read() throws IOException {
            return read(false);
        }

        /** The next response to a HEAD request: never a body, whatever the headers say. */
        Resp readHead() throws IOException {
            return read(true);
        }

        /** Like {@link #read()}, but null when the peer closed (or reset) before any byte of a response. */
        Resp readOrNullIfClosed() throws IOException {
            in.mark(1);
            int b;
            try {
                b = in.read();
            } catch (SocketException e) {
                return null; // reset
            }
            if (b < 0) {
                return null;
            }
            in.reset();
            return read();
        }

        private Resp read(boolean head) throws IOException {
            String statusLine = line();
            String[] parts = statusLine.split(" ", 3);
            if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
                throw new AssertionError("not a status line: " + statusLine);
            }
            int status = Integer.parseInt(parts[1]);
            Map<String, String> headers = new LinkedHashMap<>();
            for (String l = line(); !l.isEmpty(); l = line()) {
                int colon = l.indexOf(':');
                if (colon <= 0) {
                    throw new AssertionError("bad header line: " + l);
                }
                headers.merge(l.substring(0, colon).trim().toLowerCase(Locale.ROOT), l.substring(colon + 1).trim(),
                        (a, b) -> a + ", " + b);
            }
            Resp noBody = new Resp(parts[0], status, parts.length > 2 ? parts[2] : "", headers, "");
            if (head || status < 200 || status == 204 || status == 304) {
                return noBody;
            }
            byte[] body;
            if (noBody.chunked()) {
                body = chunkedBody();
            } else if (headers.containsKey("content-length")) {
                body = in.readNBytes(Integer.parseInt(headers.get("content-length")));
                if (body.length != Integer.parseInt(headers.get("content-length"))) {
                    throw new AssertionError("connection closed after " + body.length + " of "
                            + headers.get("content-length") + " body bytes");
                }
            } else {
                body = in.readAllBytes(); // close-delimited
            }
            return new Resp(parts[0], status, noBody.reason(), headers, new String(body, StandardCharsets.UTF_8));
        }

        private byte[] chunkedBody() throws IOException {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            while (true) {
                String sizeLine = line();
                int semi = sizeLine.indexOf(';');
                int size = Integer.parseInt((semi >= 0 ? sizeLine.substring(0, semi) : sizeLine).trim(), 16);
                if (size == 0) {
                    while (!line().isEmpty()) {
                        // trailer fields: ignored
                    }
                    return body.toByteArray();
                }
                byte[] data = in.readNBytes(size);
                if (data.length != size) {
                    throw new AssertionError("connection closed inside a chunk");
                }
                body.write(data);
                if (!line().isEmpty()) {
                    throw new AssertionError("chunk data not followed by CRLF");
                }
            }
        }

        /** One CRLF-terminated line, without the CRLF. */
        private String line() throws IOException {
            StringBuilder sb = new StringBuilder();
            while (true) {
                int b = in.read();
                if (b < 0) {
                    throw new AssertionError("connection closed mid-line after \"" + sb + "\"");
                }
                if (b == '\n') {
                    if (sb.length() == 0 || sb.charAt(sb.length() - 1) != '\r') {
                        throw new AssertionError("bare LF after \"" + sb + "\"");
                    }
                    sb.setLength(sb.length() - 1);
                    return sb.toString();
                }
                sb.append((char) b);
            }
        }

        /** The peer must close (FIN or reset) with nothing more to say. */
        void assertClosedByPeer(String when) throws IOException {
            try {
                int b = in.read();
                assertEquals(-1, b, when + ": expected the router to close the connection, got more bytes");
            } catch (SocketTimeoutException e) {
                fail(when + ": the router kept the connection open for " + READ_TIMEOUT_MILLIS + " ms");
            } catch (SocketException e) {
                // reset: closed as well
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    @FunctionalInterface
    interface RawHandler {
        /** Serves one accepted connection; the connection is closed when this returns. */
        void handle(InputStream in, OutputStream out) throws Exception;
    }

    /** An origin speaking raw bytes, for answers a well-behaved server library would not send. */
    static final class RawOrigin implements AutoCloseable {
        private final ServerSocket server;
        private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "raw-origin");
            t.setDaemon(true);
            return t;
        });
        private final List<Socket> accepted = new ArrayList<>();

        RawOrigin(RawHandler handler) throws IOException {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            threads.execute(() -> {
                while (!server.isClosed()) {
                    Socket s;
                    try {
                        s = server.accept();
                    } catch (IOException e) {
                        return; // closed
                    }
                    synchronized (accepted) {
                        accepted.add(s);
                    }
                    threads.execute(() -> {
                        try (s) {
                            s.setSoTimeout(READ_TIMEOUT_MILLIS);
                            handler.handle(new BufferedInputStream(s.getInputStream()), s.getOutputStream());
                            s.shutdownOutput();
                        } catch (Exception e) {
                            // the router closed its side, or the test ended: nothing to report here
                        }
                    });
                }
            });
        }

        int port() {
            return server.getLocalPort();
        }

        @Override
        public void close() throws Exception {
            server.close();
            synchronized (accepted) {
                for (Socket s : accepted) {
                    s.close();
                }
            }
            threads.shutdownNow();
            if (!threads.awaitTermination(10, TimeUnit.SECONDS)) {
                throw new AssertionError("raw origin threads did not stop");
            }
        }
    }
}
