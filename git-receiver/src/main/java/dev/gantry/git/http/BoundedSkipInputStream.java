package dev.gantry.git.http;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Implements {@code skip} by reading. The JDK 17 HTTP server's fixed-length request stream inherits
 * {@code FilterInputStream.skip}, which skips on the raw socket past the end of the request body and
 * then blocks waiting for the client's next request; JGit's UploadPack skips the rest of a stateless
 * request, so a fetch would hang. Reading goes through the length check.
 */
final class BoundedSkipInputStream extends FilterInputStream {

    BoundedSkipInputStream(InputStream in) {
        super(in);
    }

    @Override
    public long skip(long n) throws IOException {
        byte[] buf = new byte[(int) Math.min(8192, Math.max(n, 1))];
        long skipped = 0;
        while (skipped < n) {
            int r = in.read(buf, 0, (int) Math.min(buf.length, n - skipped));
            if (r < 0) {
                break;
            }
            skipped += r;
        }
        return skipped;
    }
}
