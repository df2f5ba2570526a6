package dev.gantry.router.impl;

import io.netty.buffer.ByteBuf;

/**
 * Where a message body ends, tracked as its bytes pass through without being copied (RFC 9112
 * section 6): a length, chunked coding (whose chunk lines are forwarded as they are), or the
 * connection's end. Keep-alive and pipelining depend on getting this exactly right.
 */
final class BodyFraming {

    private enum State { DONE, LENGTH, UNTIL_CLOSE, CHUNK_SIZE, CHUNK_EXT, CHUNK_SIZE_LF, CHUNK_DATA, CHUNK_DATA_CR,
        CHUNK_DATA_LF, TRAILER_LINE_START, TRAILER_LINE, TRAILER_END_LF }

    /** Longest chunk-size line (with extensions) and trailer line accepted. */
    private static final int MAX_LINE = 8 * 1024;

    private State state = State.DONE;
    private long remaining;
    private int lineLength;
    private int sizeDigits;

    void reset(HttpHead head, boolean bodyAllowed) {
        lineLength = 0;
        sizeDigits = 0;
        remaining = 0;
        if (!bodyAllowed) {
            state = State.DONE;
        } else if (head.chunked) {
            state = State.CHUNK_SIZE;
        } else if (head.contentLength >= 0) {
            remaining = head.contentLength;
            state = remaining == 0 ? State.DONE : State.LENGTH;
        } else if (head.otherCoding || head.status > 0) {
            state = State.UNTIL_CLOSE; // a response without framing runs until the origin closes
        } else {
            state = State.DONE; // a request without framing has no body
        }
    }

    boolean done() {
        return state == State.DONE;
    }

    boolean untilClose() {
        return state == State.UNTIL_CLOSE;
    }

    /**
     * How many bytes from {@code from} (up to {@code to}) belong to this body; the body is
     * {@link #done()} when they complete it. Bytes after that belong to the next message.
     */
    int consume(ByteBuf b, int from, int to) throws HttpHead.BadMessage {
        int i = from;
        while (i < to) {
            switch (state) {
                case DONE -> {
                    return i - from;
                }
                case UNTIL_CLOSE -> {
                    return to - from;
                }
                case LENGTH, CHUNK_DATA -> {
                    int n = (int) Math.min(remaining, to - i);
                    i += n;
                    remaining -= n;
                    if (remaining == 0) {
                        state = state == State.LENGTH ? State.DONE : State.CHUNK_DATA_CR;
                    }
                }
                case CHUNK_SIZE -> {
                    byte c = b.getByte(i++);
                    int digit = Character.digit(c, 16);
                    if (digit >= 0) {
                        if (++sizeDigits > 15) {
                            throw new HttpHead.BadMessage(400, "chunk too large");
                        }
                        remaining = remaining * 16 + digit;
                    } else if (sizeDigits == 0) {
                        throw new HttpHead.BadMessage(400, "malformed chunk size");
                    } else if (c == ';' || c == ' ' || c == '\t') {
                        state = State.CHUNK_EXT;
                    } else if (c == '\r') {
                        state = State.CHUNK_SIZE_LF;
                    } else if (c == '\n') {
                        endOfSizeLine();
                    } else {
                        throw new HttpHead.BadMessage(400, "malformed chunk size");
                    }
                }
                case CHUNK_EXT -> {
                    byte c = b.getByte(i++);
                    if (c == '\n') {
                        endOfSizeLine();
                    } else if (++lineLength > MAX_LINE) {
                        throw new HttpHead.BadMessage(400, "chunk extension too long");
                    }
                }
                case CHUNK_SIZE_LF -> {
                    if (b.getByte(i++) != '\n') {
                        throw new HttpHead.BadMessage(400, "malformed chunk size line");
                    }
                    endOfSizeLine();
                }
                case CHUNK_DATA_CR -> {
                    byte c = b.getByte(i++);
                    if (c == '\r') {
                        state = State.CHUNK_DATA_LF;
                    } else if (c == '\n') {
                        state = State.CHUNK_SIZE;
                    } else {
                        throw new HttpHead.BadMessage(400, "chunk data longer than its size");
                    }
                }
                case CHUNK_DATA_LF -> {
                    if (b.getByte(i++) != '\n') {
                        throw new HttpHead.BadMessage(400, "chunk data longer than its size");
                    }
                    state = State.CHUNK_SIZE;
                }
                case TRAILER_LINE_START -> {
                    byte c = b.getByte(i++);
                    if (c == '\n') {
                        state = State.DONE;
                    } else if (c == '\r') {
                        state = State.TRAILER_END_LF;
                    } else {
                        lineLength = 1;
                        state = State.TRAILER_LINE;
                    }
                }
                case TRAILER_END_LF -> {
                    if (b.getByte(i++) != '\n') {
                        throw new HttpHead.BadMessage(400, "malformed trailer");
                    }
                    state = State.DONE;
                }
                case TRAILER_LINE -> {
                    if (b.getByte(i++) == '\n') {
                        state = State.TRAILER_LINE_START;
                    } else if (++lineLength > MAX_LINE) {
                        throw new HttpHead.BadMessage(400, "trailer line too long");
                    }
                }
                default -> throw new IllegalStateException(state.name());
            }
        }
        return i - from;
    }

    private void endOfSizeLine() {
        lineLength = 0;
        sizeDigits = 0;
        state = remaining == 0 ? State.TRAILER_LINE_START : State.CHUNK_DATA;
    }
}
