package dev.gantry.router.impl;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Body framing decides where one message ends and the next begins on a keep-alive connection, so
 * it is checked with the body cut at every possible place: however the bytes arrive, the body must
 * end exactly where it ends, and not a byte later.
 */
class BodyFramingTest {

    private static final String NEXT = "GET /next HTTP/1.1\r\n";

    private static HttpHead request(String head) throws HttpHead.BadMessage {
        ByteBuf b = Unpooled.copiedBuffer(head, StandardCharsets.ISO_8859_1);
        return new HttpHead().parseRequest(b, 0, b.writerIndex());
    }

    /** Feeds {@code body + NEXT} in two pieces split at {@code cut}; returns the bytes the body took. */
    private static int consumeSplit(HttpHead head, String body, int cut) throws HttpHead.BadMessage {
        BodyFraming framing = new BodyFraming();
        framing.reset(head, true);
        ByteBuf all = Unpooled.copiedBuffer(body + NEXT, StandardCharsets.ISO_8859_1);
        int taken = framing.consume(all, 0, cut);
        if (!framing.done()) {
            taken += framing.consume(all, cut, all.writerIndex());
        }
        assertTrue(framing.done(), "body complete when cut at " + cut);
        return taken;
    }

    @Test
    void chunkedBodyEndsExactlyAtItsLastChunkWhereverItIsCut() throws Exception {
        HttpHead head = request("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n");
        String body = "5\r\nhello\r\n1A;ext=1\r\nabcdefghijklmnopqrstuvwxyz\r\n0\r\nTrailer: x\r\n\r\n";
        for (int cut = 0; cut <= body.length() + NEXT.length(); cut++) {
            assertEquals(body.length(), consumeSplit(head, body, cut), "cut at " + cut);
        }
    }

    @Test
    void lengthBodyEndsAtItsLength() throws Exception {
        HttpHead head = request("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n\r\n");
        for (int cut = 0; cut <= 11 + NEXT.length(); cut++) {
            assertEquals(11, consumeSplit(head, "hello world", cut));
        }
    }

    @Test
    void aRequestWithoutFramingHasNoBody() throws Exception {
        BodyFraming framing = new BodyFraming();
        framing.reset(request("GET / HTTP/1.1\r\nHost: a\r\n\r\n"), true);
        assertTrue(framing.done());
    }

    @Test
    void aResponseWithoutFramingRunsUntilTheConnectionCloses() throws Exception {
        ByteBuf b = Unpooled.copiedBuffer("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n", StandardCharsets.US_ASCII);
        BodyFraming framing = new BodyFraming();
        framing.reset(new HttpHead().parseResponse(b, 0, b.writerIndex()), true);
        ByteBuf data = Unpooled.copiedBuffer("anything at all", StandardCharsets.US_ASCII);
        assertEquals(data.readableBytes(), framing.consume(data, 0, data.writerIndex()));
        assertFalse(framing.done());
        assertTrue(framing.untilClose());
    }

    @Test
    void malformedChunkSizesAreRefused() throws Exception {
        HttpHead head = request("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n");
        for (String bad : new String[] {"zz\r\n", "5\r\nhelloXX", "\r\n", "10000000000000000\r\n"}) {
            BodyFraming framing = new BodyFraming();
            framing.reset(head, true);
            ByteBuf b = Unpooled.copiedBuffer(bad, StandardCharsets.US_ASCII);
            assertThrows(HttpHead.BadMessage.class, () -> framing.consume(b, 0, b.writerIndex()), bad);
        }
    }

    @Test
    void headEndIsFoundWhenResumedAfterEachPiece() {
        String head = "GET / HTTP/1.1\r\nHost: a\r\nX-Long: " + "v".repeat(100) + "\r\n\r\n";
        ByteBuf b = Unpooled.copiedBuffer(head + NEXT, StandardCharsets.US_ASCII);
        int resume = 0;
        int end = -1;
        for (int to = 1; to <= b.writerIndex() && end < 0; to++) {
            int r = HttpHead.findEnd(b, 0, resume, to);
            if (r >= 0) {
                end = r;
            } else {
                resume = -1 - r;
            }
        }
        assertEquals(head.length(), end);
    }
}
