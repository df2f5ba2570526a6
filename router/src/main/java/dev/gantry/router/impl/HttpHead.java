package dev.gantry.router.impl;

import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;

/**
 * The head of one HTTP/1.x message (request or response), parsed in place: the router reads the
 * few fields it acts on and copies every other header line to the other side as the bytes it got,
 * which is what keeps the plain-HTTP path cheap (no header objects, no re-encoding).
 *
 * <p>Strict where a lenient parser would open request smuggling (RFC 9112 section 6.3 and 11.2): a request
 * with both Content-Length and Transfer-Encoding, differing Content-Lengths, a transfer coding that
 * does not end in chunked, folded header lines or a space before the colon is refused.
 */
final class HttpHead {

    /** Thrown for a message the router refuses to read; the status is what the client gets. */
    static final class BadMessage extends Exception {
        final int status;

        BadMessage(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    private ByteBuf buf;
    private int end;
    private int lineEnd;
    private int[] fields = new int[4 * 16];
    private int fieldCount;

    // request line
    String method;
    String target;
    // status line
    int status;
    /** 0 for HTTP/1.0, 1 for HTTP/1.1. */
    int minorVersion;

    long contentLength = -1;
    boolean chunked;
    /** Transfer-Encoding present but not ending in chunked (a response then runs until close). */
    boolean otherCoding;
    boolean connectionClose;
    boolean connectionKeepAlive;
    boolean connectionUpgrade;
    /** The Connection header's other tokens: more hop-by-hop header names, lower case. */
    private String[] connectionNames;
    String host;
    String upgrade;
    boolean expectContinue;
    String requestId;
    String forwardedFor;
    String via;

    /**
     * Each connection keeps one head and parses every message into it, so reading a request
     * allocates almost nothing. Its contents are valid until the next parse, and its byte ranges
     * only while the parsed buffer is.
     */
    HttpHead() {
    }

    private void reset(ByteBuf b, int start, int headEnd) {
        buf = b;
        end = headEnd;
        lineEnd = b.indexOf(start, headEnd, (byte) '\n');
        fieldCount = 0;
        method = null;
        target = null;
        status = 0;
        minorVersion = 0;
        contentLength = -1;
        chunked = false;
        otherCoding = false;
        connectionClose = false;
        connectionKeepAlive = false;
        connectionUpgrade = false;
        connectionNames = null;
        host = null;
        upgrade = null;
        expectContinue = false;
        requestId = null;
        forwardedFor = null;
        via = null;
    }

    /**
     * Where the head starting at {@code from} ends (the index after its empty line). Lines may end in
     * CRLF or a bare LF; empty lines before a request line must have been skipped. When the bytes up
     * to {@code to} do not hold a whole head yet, the answer is negative: {@code -1 - lineStart}, where
     * {@code lineStart} is the start of the last, unfinished line, so that the next call (with more
     * bytes) can resume there instead of scanning the head again from the start.
     *
     * @param resume a line start at or after {@code from} where an earlier call stopped
     */
    static int findEnd(ByteBuf b, int from, int resume, int to) {
        int lineStart = resume;
        while (true) {
            int lf = b.indexOf(lineStart, to, (byte) '\n');
            if (lf < 0) {
                return -1 - lineStart;
            }
            int len = lf - lineStart;
            if (lineStart != from && (len == 0 || (len == 1 && b.getByte(lineStart) == '\r'))) {
                return lf + 1;
            }
            lineStart = lf + 1;
        }
    }

    /** Parses the request head in {@code b} from {@code start} to {@code end} (from {@link #findEnd}). */
    HttpHead parseRequest(ByteBuf b, int start, int end) throws BadMessage {
        reset(b, start, end);
        parseRequestLine(start);
        parseFields();
        if (chunked && contentLength >= 0) {
            throw new BadMessage(400, "both Content-Length and Transfer-Encoding");
        }
        if (otherCoding) {
            throw new BadMessage(501, "transfer coding other than chunked");
        }
        if (minorVersion == 1 && host == null) {
            throw new BadMessage(400, "no Host header");
        }
        return this;
    }

    HttpHead parseResponse(ByteBuf b, int start, int end) throws BadMessage {
        reset(b, start, end);
        parseStatusLine(start);
        parseFields();
        if (chunked || otherCoding) {
            contentLength = -1; // Transfer-Encoding overrides Content-Length (RFC 9112 section 6.3)
        }
        return this;
    }

    private int contentEnd(int lf) {
        return lf > 0 && buf.getByte(lf - 1) == '\r' ? lf - 1 : lf;
    }

    private void parseRequestLine(int start) throws BadMessage {
        int e = contentEnd(lineEnd);
        int sp1 = buf.indexOf(start, e, (byte) ' ');
        int sp2 = sp1 < 0 ? -1 : buf.indexOf(sp1 + 1, e, (byte) ' ');
        if (sp1 <= start || sp2 <= sp1 + 1 || e - sp2 - 1 != 8) {
            throw new BadMessage(400, "malformed request line");
        }
        for (int i = start; i < sp1; i++) {
            if (!isTokenChar(buf.getByte(i))) {
                throw new BadMessage(400, "malformed method");
            }
        }
        for (int i = sp1 + 1; i < sp2; i++) {
            byte c = buf.getByte(i);
            if (c <= 0x20 || c == 0x7f) {
                throw new BadMessage(400, "malformed request target");
            }
        }
        method = knownMethod(start, sp1 - start);
        if (method == null) {
            method = buf.toString(start, sp1 - start, StandardCharsets.US_ASCII);
        }
        target = buf.toString(sp1 + 1, sp2 - sp1 - 1, StandardCharsets.ISO_8859_1);
        minorVersion = version(sp2 + 1);
    }

    private static final String[] METHODS = {"GET", "POST", "PUT", "HEAD", "DELETE", "PATCH", "OPTIONS"};

    /** The shared String of a common method, so the usual request allocates none. */
    private String knownMethod(int at, int len) {
        for (String m : METHODS) {
            if (m.length() == len) {
                boolean same = true;
                for (int i = 0; i < len && same; i++) {
                    same = buf.getByte(at + i) == m.charAt(i);
                }
                if (same) {
                    return m;
                }
            }
        }
        return null;
    }

    private void parseStatusLine(int start) throws BadMessage {
        int e = contentEnd(lineEnd);
        if (e - start < 12 || buf.getByte(start + 8) != ' ') {
            throw new BadMessage(502, "malformed status line");
        }
        minorVersion = version(start);
        int s = 0;
        for (int i = start + 9; i < start + 12; i++) {
            byte c = buf.getByte(i);
            if (c < '0' || c > '9') {
                throw new BadMessage(502, "malformed status code");
            }
            s = s * 10 + (c - '0');
        }
        if (s < 100 || (e > start + 12 && buf.getByte(start + 12) != ' ')) {
            throw new BadMessage(502, "malformed status line");
        }
        status = s;
    }

    private int version(int at) throws BadMessage {
        if (buf.getByte(at) != 'H' || buf.getByte(at + 1) != 'T' || buf.getByte(at + 2) != 'T'
                || buf.getByte(at + 3) != 'P' || buf.getByte(at + 4) != '/' || buf.getByte(at + 5) != '1'
                || buf.getByte(at + 6) != '.') {
            throw new BadMessage(400, "not HTTP/1.x");
        }
        byte minor = buf.getByte(at + 7);
        if (minor != '0' && minor != '1') {
            throw new BadMessage(505, "unsupported HTTP version");
        }
        return minor - '0';
    }

    private void parseFields() throws BadMessage {
        int i = lineEnd + 1;
        while (i < end) {
            int lf = buf.indexOf(i, end, (byte) '\n');
            int e = contentEnd(lf);
            if (e == i) {
                break; // the empty line
            }
            byte first = buf.getByte(i);
            if (first == ' ' || first == '\t') {
                throw new BadMessage(400, "folded header line");
            }
            int colon = buf.indexOf(i, e, (byte) ':');
            if (colon <= i) {
                throw new BadMessage(400, "malformed header line");
            }
            for (int k = i; k < colon; k++) {
                if (!isTokenChar(buf.getByte(k))) {
                    throw new BadMessage(400, "malformed header name");
                }
            }
            int vs = colon + 1;
            while (vs < e && isSpace(buf.getByte(vs))) {
                vs++;
            }
            int ve = e;
            while (ve > vs && isSpace(buf.getByte(ve - 1))) {
                ve--;
            }
            for (int k = vs; k < ve; k++) {
                byte c = buf.getByte(k);
                if ((c < 0x20 && c != '\t') || c == 0x7f) {
                    throw new BadMessage(400, "control character in a header value");
                }
            }
            addField(i, colon, vs, ve);
            interpret(fieldCount - 1);
            i = lf + 1;
        }
    }

    private void addField(int ns, int ne, int vs, int ve) {
        if (fieldCount * 4 == fields.length) {
            fields = java.util.Arrays.copyOf(fields, fields.length * 2);
        }
        int o = fieldCount * 4;
        fields[o] = ns;
        fields[o + 1] = ne;
        fields[o + 2] = vs;
        fields[o + 3] = ve;
        fieldCount++;
    }

    /** Reads the headers the router acts on. */
    private void interpret(int f) throws BadMessage {
        int len = fields[f * 4 + 1] - fields[f * 4];
        switch (len) {
            case 3 -> {
                if (nameIs(f, "via")) {
                    via = join(via, value(f));
                }
            }
            case 4 -> {
                if (nameIs(f, "host")) {
                    if (host != null) {
                        throw new BadMessage(400, "more than one Host header");
                    }
                    host = value(f);
                }
            }
            case 6 -> {
                if (nameIs(f, "expect")) {
                    expectContinue = value(f).equalsIgnoreCase("100-continue");
                }
            }
            case 7 -> {
                if (nameIs(f, "upgrade")) {
                    upgrade = value(f);
                }
            }
            case 10 -> {
                if (nameIs(f, "connection")) {
                    connectionTokens(value(f));
                }
            }
            case 12 -> {
                if (nameIs(f, "x-request-id")) {
                    requestId = value(f);
                }
            }
            case 14 -> {
                if (nameIs(f, "content-length")) {
                    long n = parseLength(f);
                    if (contentLength >= 0 && contentLength != n) {
                        throw new BadMessage(400, "differing Content-Length headers");
                    }
                    contentLength = n;
                }
            }
            case 15 -> {
                if (nameIs(f, "x-forwarded-for")) {
                    forwardedFor = join(forwardedFor, value(f));
                }
            }
            case 17 -> {
                if (nameIs(f, "transfer-encoding")) {
                    String v = value(f).trim();
                    int comma = v.lastIndexOf(',');
                    String last = (comma < 0 ? v : v.substring(comma + 1)).trim();
                    if (last.equalsIgnoreCase("chunked")) {
                        chunked = true;
                        otherCoding = false;
                    } else {
                        chunked = false;
                        otherCoding = true;
                    }
                }
            }
            default -> {
            }
        }
    }

    private static String join(String prior, String v) {
        return prior == null ? v : prior + ", " + v;
    }

    private long parseLength(int f) throws BadMessage {
        int vs = fields[f * 4 + 2];
        int ve = fields[f * 4 + 3];
        if (vs == ve || ve - vs > 18) {
            throw new BadMessage(400, "malformed Content-Length");
        }
        long n = 0;
        for (int i = vs; i < ve; i++) {
            byte c = buf.getByte(i);
            if (c < '0' || c > '9') {
                throw new BadMessage(400, "malformed Content-Length");
            }
            n = n * 10 + (c - '0');
        }
        return n;
    }

    private void connectionTokens(String v) {
        if (v.equalsIgnoreCase("keep-alive")) { // the usual values, without splitting
            connectionKeepAlive = true;
            return;
        }
        if (v.equalsIgnoreCase("close")) {
            connectionClose = true;
            return;
        }
        for (String token : v.split(",")) {
            String t = token.trim().toLowerCase(java.util.Locale.ROOT);
            switch (t) {
                case "close" -> connectionClose = true;
                case "keep-alive" -> connectionKeepAlive = true;
                case "upgrade" -> connectionUpgrade = true;
                case "" -> {
                }
                default -> {
                    String[] names = connectionNames == null ? new String[1]
                            : java.util.Arrays.copyOf(connectionNames, connectionNames.length + 1);
                    names[names.length - 1] = t;
                    connectionNames = names;
                }
            }
        }
    }

    int fieldCount() {
        return fieldCount;
    }

    boolean nameIs(int f, String lowerName) {
        int ns = fields[f * 4];
        int ne = fields[f * 4 + 1];
        if (ne - ns != lowerName.length()) {
            return false;
        }
        for (int i = 0; i < lowerName.length(); i++) {
            if ((buf.getByte(ns + i) | 0x20) != lowerName.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    String value(int f) {
        return buf.toString(fields[f * 4 + 2], fields[f * 4 + 3] - fields[f * 4 + 2], StandardCharsets.ISO_8859_1);
    }

    /**
     * Whether a header must stay on its own connection (RFC 9110 section 7.6.1): the fixed hop-by-hop
     * set and whatever the Connection header names.
     */
    boolean isHopByHop(int f) {
        int len = fields[f * 4 + 1] - fields[f * 4];
        boolean fixed = switch (len) {
            case 2 -> nameIs(f, "te");
            case 7 -> nameIs(f, "trailer") || nameIs(f, "upgrade");
            case 10 -> nameIs(f, "connection") || nameIs(f, "keep-alive");
            case 16 -> nameIs(f, "proxy-connection");
            case 17 -> nameIs(f, "transfer-encoding");
            case 18 -> nameIs(f, "proxy-authenticate");
            case 19 -> nameIs(f, "proxy-authorization");
            default -> false;
        };
        if (fixed || connectionNames == null) {
            return fixed;
        }
        for (String n : connectionNames) {
            if (nameIs(f, n)) {
                return true;
            }
        }
        return false;
    }

    /** Copies header line {@code f} (name, colon, value) and a CRLF into {@code out}. */
    void copyField(int f, ByteBuf out) {
        int ns = fields[f * 4];
        out.writeBytes(buf, ns, fields[f * 4 + 1] - ns);
        out.writeByte(':').writeByte(' ');
        int vs = fields[f * 4 + 2];
        out.writeBytes(buf, vs, fields[f * 4 + 3] - vs);
        out.writeByte('\r').writeByte('\n');
    }

    /** Copies the request line, with a CRLF. */
    void copyFirstLine(ByteBuf out, int start) {
        int e = contentEnd(lineEnd);
        out.writeBytes(buf, start, e - start);
        out.writeByte('\r').writeByte('\n');
    }

    /** Copies the status line as HTTP/1.1 (the router speaks 1.1 to its clients), with a CRLF. */
    void copyStatusLineAs11(ByteBuf out, int start) {
        int e = contentEnd(lineEnd);
        out.writeCharSequence("HTTP/1.1", StandardCharsets.US_ASCII);
        out.writeBytes(buf, start + 8, e - start - 8);
        out.writeByte('\r').writeByte('\n');
    }

    /** Request path without the query, for the access log. */
    String path() {
        int q = target.indexOf('?');
        return q < 0 ? target : target.substring(0, q);
    }

    private static boolean isSpace(byte c) {
        return c == ' ' || c == '\t';
    }

    private static boolean isTokenChar(byte c) {
        if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
            return true;
        }
        return switch (c) {
            case '!', '#', '$', '%', '&', '\'', '*', '+', '-', '.', '^', '_', '`', '|', '~' -> true;
            default -> false;
        };
    }
}
