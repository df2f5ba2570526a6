package dev.gantry.platform.git;

import java.io.IOException;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.gantry.git.http.GitHttpHandler;
import dev.gantry.git.http.GitHttpRequest;
import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Git over smart HTTP at {@code /git/<tenant>/<app>.git}. A servlet because a push needs a blocking request
 * stream and a response whose every flush reaches the client at once (that is how build output arrives live);
 * Quarkus runs servlets on worker threads, and a push blocks for its whole deploy.
 */
@WebServlet(urlPatterns = "/git/*", asyncSupported = false)
public class GitServlet extends HttpServlet {

    @Inject
    GitHttpHandler handler;

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        Map<String, List<String>> headers = new HashMap<>();
        for (String name : Collections.list(req.getHeaderNames())) {
            headers.put(name, Collections.list(req.getHeaders(name)));
        }
        handler.handle(new GitHttpRequest(req.getMethod(), req.getRequestURI(), req.getQueryString(), headers,
                req.getInputStream()), (status, h) -> {
                    resp.setStatus(status);
                    h.forEach(resp::setHeader);
                    return resp.getOutputStream();
                });
    }
}
