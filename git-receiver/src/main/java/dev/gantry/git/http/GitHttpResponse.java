package dev.gantry.git.http;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;

/**
 * The response side of one HTTP exchange, implemented by whatever server mounts the handler.
 *
 * <p>Contract: {@link #start} is called exactly once; it sends the status and headers and returns
 * the body stream. The body length is unknown in advance (the server uses chunked encoding), and
 * every {@code flush()} on the returned stream must push the bytes to the client at once: that is
 * how build output reaches {@code git push} live. The handler closes the stream when done.
 */
@FunctionalInterface
public interface GitHttpResponse {

    OutputStream start(int status, Map<String, String> headers) throws IOException;
}
