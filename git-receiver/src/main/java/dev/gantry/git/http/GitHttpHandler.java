package dev.gantry.git.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.transport.PacketLineOut;
import org.eclipse.jgit.transport.ReceivePack;
import org.eclipse.jgit.transport.RefAdvertiser.PacketLineOutRefAdvertiser;
import org.eclipse.jgit.transport.UploadPack;

import dev.gantry.git.AppRef;
import dev.gantry.git.GitAuthenticator;
import dev.gantry.git.GitReceiveException;
import dev.gantry.git.GitReceiver;

/**
 * Git's smart HTTP protocol (stateless RPC, protocol v0) over the framework-neutral
 * {@link GitHttpRequest}/{@link GitHttpResponse}: {@code GET <repo>/info/refs?service=...},
 * {@code POST <repo>/git-receive-pack} and {@code POST <repo>/git-upload-pack}, where
 * {@code <repo>} is {@code <prefix>/<tenant>/<app>.git}.
 *
 * <p>Auth is HTTP basic with any user name and an API token as the password; without valid
 * credentials the answer is 401 with a {@code Basic} challenge, which is what makes git ask a
 * credential helper. Errors are {@code text/plain}, which git prints to the user as
 * {@code remote:} lines. Failures become HTTP statuses here and nowhere else.
 */
public final class GitHttpHandler {

    private static final System.Logger LOG = System.getLogger(GitHttpHandler.class.getName());
    private static final Pattern REPO_PATH =
            Pattern.compile("^/([^/]+)/([^/]+?)(?:\\.git)?/(info/refs|git-receive-pack|git-upload-pack)$");
    private static final String RECEIVE = "git-receive-pack";
    private static final String UPLOAD = "git-upload-pack";
    private static final long MAX_DRAIN_BYTES = 32L << 20;

    private final GitReceiver receiver;
    private final GitAuthenticator authenticator;
    private final String prefix;

    /**
     * @param prefix the mount path, e.g. {@code /git}; requests outside it get 404
     */
    public GitHttpHandler(GitReceiver receiver, GitAuthenticator authenticator, String prefix) {
        this.receiver = receiver;
        this.authenticator = authenticator;
        this.prefix = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
    }

    /** Serves one request; blocks until the push or fetch (including the whole deploy) is done. */
    public void handle(GitHttpRequest request, GitHttpResponse response) throws IOException {
        Route route;
        try {
            route = route(request);
            String tenant = authenticate(request);
            if (!tenant.equals(route.app().tenant())) {
                // Same answer as for a missing app: another tenant's app names are not disclosed.
                throw GitReceiver.notFound(route.app());
            }
        } catch (GitReceiveException e) {
            sendError(response, e);
            return;
        }
        try (Repository repo = receiver.open(route.app())) {
            if (route.advertise()) {
                advertise(repo, route, response);
            } else {
                rpc(repo, route, request, response);
            }
        } catch (GitReceiveException e) {
            sendError(response, e);
        }
    }

    private record Route(AppRef app, String service, boolean advertise) {
    }

    private Route route(GitHttpRequest request) {
        String path = request.path();
        if (!path.startsWith(prefix + "/")) {
            throw new GitReceiveException(GitReceiveException.Code.NOT_FOUND, "not a git repository path: " + path);
        }
        Matcher m = REPO_PATH.matcher(path.substring(prefix.length()));
        if (!m.matches()) {
            throw new GitReceiveException(GitReceiveException.Code.NOT_FOUND,
                    "not a git repository path: " + path + " (expected " + prefix + "/<tenant>/<app>.git)");
        }
        AppRef app = new AppRef(m.group(1), m.group(2));
        boolean advertise = m.group(3).equals("info/refs");
        String service = advertise ? request.queryParam("service").orElseThrow(() -> new GitReceiveException(
                GitReceiveException.Code.BAD_REQUEST, "the dumb HTTP protocol is not supported; use git 1.6.6 or newer"))
                : m.group(3);
        if (!service.equals(RECEIVE) && !service.equals(UPLOAD)) {
            throw new GitReceiveException(GitReceiveException.Code.BAD_REQUEST, "unknown git service: " + service);
        }
        String expectedMethod = advertise ? "GET" : "POST";
        if (!request.method().equalsIgnoreCase(expectedMethod)) {
            throw new GitReceiveException(GitReceiveException.Code.BAD_REQUEST,
                    expectedMethod + " expected for " + m.group(3));
        }
        return new Route(app, service, advertise);
    }

    private String authenticate(GitHttpRequest request) {
        Optional<String> header = request.header("Authorization");
        if (header.isPresent() && header.get().regionMatches(true, 0, "Basic ", 0, 6)) {
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(header.get().substring(6).trim()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                decoded = "";
            }
            int colon = decoded.indexOf(':');
            if (colon >= 0) {
                Optional<String> tenant = authenticator.tenantForToken(decoded.substring(colon + 1));
                if (tenant.isPresent()) {
                    return tenant.get();
                }
            }
        }
        throw new GitReceiveException(GitReceiveException.Code.UNAUTHENTICATED,
                "authentication required: any user name, an API token as the password");
    }

    private void advertise(Repository repo, Route route, GitHttpResponse response) throws IOException {
        try (OutputStream out = response.start(200, headers("application/x-" + route.service() + "-advertisement"))) {
            PacketLineOut pck = new PacketLineOut(out);
            pck.writeString("# service=" + route.service() + "\n");
            pck.end();
            PacketLineOutRefAdvertiser adv = new PacketLineOutRefAdvertiser(pck);
            if (route.service().equals(RECEIVE)) {
                ReceivePack rp = receiver.receivePack(repo, route.app());
                rp.setBiDirectionalPipe(false);
                rp.sendAdvertisedRefs(adv);
            } else {
                UploadPack up = receiver.uploadPack(repo);
                up.setBiDirectionalPipe(false);
                up.sendAdvertisedRefs(adv);
            }
            out.flush();
        }
    }

    private void rpc(Repository repo, Route route, GitHttpRequest request, GitHttpResponse response) throws IOException {
        String expectedType = "application/x-" + route.service() + "-request";
        if (!request.header("Content-Type").orElse("").startsWith(expectedType)) {
            throw new GitReceiveException(GitReceiveException.Code.BAD_REQUEST, "Content-Type " + expectedType + " expected");
        }
        InputStream in = request.body();
        if (request.header("Content-Encoding").filter(v -> v.contains("gzip")).isPresent()) {
            in = new GZIPInputStream(in);
        }
        try (OutputStream out = response.start(200, headers("application/x-" + route.service() + "-result"))) {
            try {
                if (route.service().equals(RECEIVE)) {
                    ReceivePack rp = receiver.receivePack(repo, route.app());
                    rp.setBiDirectionalPipe(false);
                    // ReceivePack reports its own failures (unpack errors, rejected refs) to the client
                    // inside the protocol, so an exception here means the push or the connection broke.
                    rp.receive(in, out, null);
                } else {
                    UploadPack up = receiver.uploadPack(repo);
                    up.setBiDirectionalPipe(false);
                    up.upload(in, out, null);
                }
            } catch (IOException e) {
                LOG.log(System.Logger.Level.INFO, "git " + route.service() + " for " + route.app() + " ended early: " + e.getMessage());
            } finally {
                // Before the response is closed: closing it with unread request bytes resets the connection.
                drain(request.body());
            }
            out.flush();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.INFO, "git " + route.service() + " for " + route.app() + ": client gone: " + e.getMessage());
        }
    }

    /**
     * Reads what is left of a request JGit stopped reading (a pack over the size limit). Closing
     * with unread bytes makes the server reset the connection, and git then shows "Connection reset"
     * instead of our reason. Bounded, so a huge push cannot keep a worker busy for long.
     */
    private static void drain(InputStream body) {
        byte[] buf = new byte[64 * 1024];
        long left = MAX_DRAIN_BYTES;
        try {
            int n;
            while (left > 0 && (n = body.read(buf, 0, (int) Math.min(buf.length, left))) > 0) {
                left -= n;
            }
        } catch (IOException ignored) {
            // The client is gone; nothing left to protect.
        }
    }

    private static Map<String, String> headers(String contentType) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", contentType);
        headers.put("Cache-Control", "no-cache, max-age=0, must-revalidate");
        return headers;
    }

    /** The one place where a failure becomes an HTTP status. */
    static int status(GitReceiveException.Code code) {
        return switch (code) {
            case UNAUTHENTICATED -> 401;
            case NOT_FOUND -> 404;
            case BAD_REQUEST -> 400;
            case REJECTED -> 403;
            case STORAGE -> 500;
        };
    }

    private static void sendError(GitHttpResponse response, GitReceiveException e) throws IOException {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "text/plain; charset=utf-8");
        headers.put("Cache-Control", "no-cache");
        if (e.code() == GitReceiveException.Code.UNAUTHENTICATED) {
            headers.put("WWW-Authenticate", "Basic realm=\"gantry\"");
        }
        try (OutputStream out = response.start(status(e.code()), headers)) {
            out.write((e.getMessage() + "\n").getBytes(StandardCharsets.UTF_8));
        }
    }
}
