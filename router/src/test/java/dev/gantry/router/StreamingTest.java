package dev.gantry.router;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.zip.CRC32;

import static dev.gantry.router.Fixture.app;
import static dev.gantry.router.Fixture.table;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * 100 MB each way through the router. Surefire runs this JVM with a 160 MB heap and 96 MB of direct
 * memory for origin, router and client together, so a router that buffered whole bodies would fail
 * with OutOfMemoryError instead of passing.
 */
class StreamingTest {

    static final long SIZE = 100L * 1024 * 1024;

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

    /** Deterministic bytes, so both ends can compute the checksum without keeping the data. */
    static byte at(long i) {
        return (byte) ((i * 31 + (i >>> 13)) % 251);
    }

    static long expectedCrc() {
        CRC32 crc = new CRC32();
        byte[] chunk = new byte[64 * 1024];
        for (long off = 0; off < SIZE; off += chunk.length) {
            int n = (int) Math.min(chunk.length, SIZE - off);
            for (int k = 0; k < n; k++) {
                chunk[k] = at(off + k);
            }
            crc.update(chunk, 0, n);
        }
        return crc.getValue();
    }

    static InputStream generated() {
        return new InputStream() {
            long pos;

            @Override
            public int read() {
                return pos < SIZE ? at(pos++) & 0xff : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (pos >= SIZE) {
                    return -1;
                }
                int n = (int) Math.min(len, SIZE - pos);
                for (int k = 0; k < n; k++) {
                    b[off + k] = at(pos++);
                }
                return n;
            }
        };
    }

    /** An origin that checksums what it receives and answers "bytes crc". */
    int checksumOrigin() {
        return fx.origin(req -> {
            CRC32 crc = new CRC32();
            long[] count = {0};
            req.handler(buf -> {
                byte[] bytes = buf.getBytes();
                crc.update(bytes);
                count[0] += bytes.length;
            });
            req.endHandler(v -> req.response().end(count[0] + " " + crc.getValue()));
        });
    }

    @Test
    void uploadsChunkedAndWithContentLength() {
        int port = checksumOrigin();
        Router r = fx.router();
        r.update(table(1, app("web.acme", port)));
        String expected = SIZE + " " + expectedCrc();

        HttpResponse<String> chunked = fx.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + r.httpPort() + "/up"))
                .timeout(Duration.ofSeconds(120)).header("Host", "web.acme.localhost")
                .POST(HttpRequest.BodyPublishers.ofInputStream(StreamingTest::generated)).build());
        assertEquals(200, chunked.statusCode());
        assertEquals(expected, chunked.body());

        HttpResponse<String> sized = fx.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + r.httpPort() + "/up"))
                .timeout(Duration.ofSeconds(120)).header("Host", "web.acme.localhost")
                .PUT(HttpRequest.BodyPublishers.fromPublisher(
                        HttpRequest.BodyPublishers.ofInputStream(StreamingTest::generated), SIZE)).build());
        assertEquals(200, sized.statusCode());
        assertEquals(expected, sized.body());
    }

    @Test
    void downloadsChunkedWithBackPressure() throws IOException {
        int port = fx.origin(req -> {
            HttpServerResponse resp = req.response().setChunked(true);
            writeFrom(resp, 0);
        });
        Router r = fx.router();
        r.update(table(1, app("web.acme", port)));
        HttpResponse<InputStream> resp;
        try {
            resp = fx.http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + r.httpPort() + "/down"))
                    .timeout(Duration.ofSeconds(120)).header("Host", "web.acme.localhost").build(),
                    HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        assertEquals(200, resp.statusCode());
        CRC32 crc = new CRC32();
        long count = 0;
        byte[] buf = new byte[64 * 1024];
        try (InputStream in = resp.body()) {
            for (int n; (n = in.read(buf)) > 0; ) {
                crc.update(buf, 0, n);
                count += n;
            }
        }
        assertEquals(SIZE, count);
        assertEquals(expectedCrc(), crc.getValue());
    }

    /** Writes the generated bytes from {@code pos}, pausing while the write queue is full. */
    static void writeFrom(HttpServerResponse resp, long pos) {
        byte[] chunk = new byte[64 * 1024];
        while (pos < SIZE) {
            if (resp.writeQueueFull()) {
                long from = pos;
                resp.drainHandler(v -> writeFrom(resp, from));
                return;
            }
            int n = (int) Math.min(chunk.length, SIZE - pos);
            for (int k = 0; k < n; k++) {
                chunk[k] = at(pos + k);
            }
            resp.write(Buffer.buffer(n).appendBytes(chunk, 0, n));
            pos += n;
        }
        resp.end();
    }
}
