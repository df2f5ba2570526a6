package dev.gantry.build.registry;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gantry.build.image.ImageStore;

/**
 * Pushes images from an {@link ImageStore} to any registry that speaks the OCI distribution API (Docker's
 * registry, Harbor, GitLab's, ECR…): each blob is first asked for with HEAD and skipped if there; a small blob
 * goes in one PUT, a big one in PATCH chunks, and an upload cut off midway is resumed from what the registry
 * says it has (GET on the upload → {@code Range}) rather than sent again (or, if the registry dropped the session,
 * as Docker's does when a chunk is cut midway, that one blob starts over); the manifest goes last, under the tag.
 * Basic auth, and Bearer tokens fetched from the realm the registry names in its 401 challenge.
 */
public final class RegistryClient {

    /** Blobs up to this size go in one request; bigger ones in chunks of it. */
    static final int CHUNK = 8 << 20;
    private static final int ATTEMPTS = 5;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern CHALLENGE_PARAM = Pattern.compile("(\\w+)=\"([^\"]*)\"");

    /** Told how far each blob got, for progress lines. */
    public interface ProgressListener {
        void blob(String digest, long sent, long total);
    }

    private final HttpClient http;
    private final int chunkSize;
    private final AtomicInteger requests = new AtomicInteger();
    private volatile String authorization;

    public RegistryClient() {
        this(CHUNK);
    }

    RegistryClient(int chunkSize) {
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NORMAL).build();
        this.chunkSize = chunkSize;
    }

    /** HTTP requests made so far. */
    public int requests() {
        return requests.get();
    }

    /**
     * Pushes the image with manifest {@code manifestDigest} to {@code ref}; returns the manifest digest, which
     * names the image in the registry ({@code registry/repository@digest}).
     */
    public String push(ImageStore store, String manifestDigest, RegistryReference ref, Credentials creds,
                       ProgressListener progress) {
        byte[] manifest = read(store.blob(manifestDigest));
        JsonNode m = parse(manifest);
        List<JsonNode> blobs = new ArrayList<>();
        blobs.add(m.path("config"));
        m.path("layers").forEach(blobs::add);
        for (JsonNode b : blobs) {
            String digest = b.path("digest").asText();
            Path file = store.blob(digest);
            if (exists(ref, creds, digest)) {
                progress.blob(digest, size(file), size(file));
                continue;
            }
            upload(ref, creds, digest, file, progress);
        }
        String mediaType = m.path("mediaType").asText(ImageStore.MEDIA_MANIFEST);
        HttpResponse<String> r = send(ref, creds, "PUT", "/manifests/" + ref.tag(),
                HttpRequest.BodyPublishers.ofByteArray(manifest), Map.of("Content-Type", mediaType));
        expect(r, ref, "put the manifest", 201);
        return r.headers().firstValue("Docker-Content-Digest").orElse(manifestDigest);
    }

    private boolean exists(RegistryReference ref, Credentials creds, String digest) {
        HttpResponse<String> r = send(ref, creds, "HEAD", "/blobs/" + digest, HttpRequest.BodyPublishers.noBody(), Map.of());
        return r.statusCode() == 200;
    }

    private void upload(RegistryReference ref, Credentials creds, String digest, Path file, ProgressListener progress) {
        long total = size(file);
        HttpResponse<String> start = send(ref, creds, "POST", "/blobs/uploads/", HttpRequest.BodyPublishers.noBody(), Map.of());
        expect(start, ref, "start an upload", 202);
        String location = location(ref, start);
        if (total <= chunkSize) {
            HttpResponse<String> put = sendTo(ref, creds, "PUT", withDigest(location, digest),
                    HttpRequest.BodyPublishers.ofByteArray(read(file)), Map.of("Content-Type", "application/octet-stream"));
            expect(put, ref, "upload " + digest, 201);
            progress.blob(digest, total, total);
            return;
        }
        long offset = 0;
        int failures = 0;
        while (offset < total) {
            long end = Math.min(total, offset + chunkSize);
            try {
                HttpResponse<String> patch = sendOnce(ref, creds, "PATCH", location, slice(file, offset, end),
                        Map.of("Content-Type", "application/octet-stream", "Content-Range", offset + "-" + (end - 1)));
                expect(patch, ref, "upload a chunk of " + digest, 202);
                location = location(ref, patch);
                offset = end;
                progress.blob(digest, offset, total);
            } catch (IOException | RegistryException e) {
                if (++failures >= ATTEMPTS) {
                    throw new RegistryException("upload of " + digest + " to " + ref.registry() + " failed " + failures
                            + " times: " + e.getMessage(), e instanceof RegistryException re ? re.status() : 0, e);
                }
                pause(failures);
                try {
                    offset = resumeAt(ref, creds, location); // ask what arrived, go on from there
                } catch (RegistryException gone) {
                    // Docker's registry drops a session whose chunk was cut midway (BLOB_UPLOAD_INVALID): this
                    // blob starts over in a new session; blobs already in the registry are not sent again
                    HttpResponse<String> restart = send(ref, creds, "POST", "/blobs/uploads/",
                            HttpRequest.BodyPublishers.noBody(), Map.of());
                    expect(restart, ref, "restart an upload", 202);
                    location = location(ref, restart);
                    offset = 0;
                }
            }
        }
        HttpResponse<String> done = sendTo(ref, creds, "PUT", withDigest(location, digest),
                HttpRequest.BodyPublishers.noBody(), Map.of());
        expect(done, ref, "finish the upload of " + digest, 201);
    }

    /** The offset to continue an interrupted upload from: one past the last byte the registry holds. */
    private long resumeAt(RegistryReference ref, Credentials creds, String location) {
        HttpResponse<String> r = sendTo(ref, creds, "GET", location, HttpRequest.BodyPublishers.noBody(), Map.of());
        expect(r, ref, "ask how far an upload got", 204);
        Optional<String> range = r.headers().firstValue("Range");
        if (range.isEmpty()) {
            return 0;
        }
        String v = range.get().replaceFirst("^bytes=", "");
        return Long.parseLong(v.substring(v.indexOf('-') + 1)) + 1;
    }

    private HttpResponse<String> send(RegistryReference ref, Credentials creds, String method, String path,
                                      HttpRequest.BodyPublisher body, Map<String, String> headers) {
        return sendTo(ref, creds, method, ref.baseUrl() + "/v2/" + ref.repository() + path, body, headers);
    }

    /** One request with retries (connection failures and 5xx) and the auth dance. */
    private HttpResponse<String> sendTo(RegistryReference ref, Credentials creds, String method, String url,
                                        HttpRequest.BodyPublisher body, Map<String, String> headers) {
        IOException last = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            try {
                HttpResponse<String> r = sendOnce(ref, creds, method, url, body, headers);
                if (r.statusCode() < 500) {
                    return r;
                }
                last = new IOException("HTTP " + r.statusCode() + " " + r.body());
            } catch (IOException e) {
                last = e;
            }
            pause(attempt);
        }
        throw new RegistryException("registry " + ref.registry() + " did not answer " + method + " " + url + ": "
                + last.getMessage(), 0, last);
    }

    private HttpResponse<String> sendOnce(RegistryReference ref, Credentials creds, String method, String url,
                                          HttpRequest.BodyPublisher body, Map<String, String> headers) throws IOException {
        HttpResponse<String> r = exchange(method, url, body, headers);
        if (r.statusCode() == 401) {
            authorization = authorize(ref, creds, r.headers().firstValue("WWW-Authenticate").orElse(""));
            r = exchange(method, url, body, headers);
            if (r.statusCode() == 401) {
                throw new RegistryException("registry " + ref.registry() + " refused the credentials"
                        + (creds.present() ? " of " + creds.username() : " (none were given)"), 401, null);
            }
        }
        return r;
    }

    private HttpResponse<String> exchange(String method, String url, HttpRequest.BodyPublisher body,
                                          Map<String, String> headers) throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMinutes(5))
                .method(method, body);
        headers.forEach(b::header);
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        requests.incrementAndGet();
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** Answers a 401 challenge: Basic with the credentials, or a Bearer token from the named realm. */
    private String authorize(RegistryReference ref, Credentials creds, String challenge) throws IOException {
        if (challenge.regionMatches(true, 0, "Basic", 0, 5)) {
            if (!creds.present()) {
                throw new RegistryException("registry " + ref.registry() + " wants a login (basic auth)", 401, null);
            }
            return creds.basicHeader();
        }
        if (!challenge.regionMatches(true, 0, "Bearer", 0, 6)) {
            throw new RegistryException("registry " + ref.registry() + " asked for unknown auth: " + challenge, 401, null);
        }
        Map<String, String> p = new java.util.HashMap<>();
        Matcher m = CHALLENGE_PARAM.matcher(challenge);
        while (m.find()) {
            p.put(m.group(1), m.group(2));
        }
        String scope = p.getOrDefault("scope", "repository:" + ref.repository() + ":pull,push");
        String url = p.get("realm") + "?service=" + enc(p.getOrDefault("service", ref.registry())) + "&scope=" + enc(scope);
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET();
        if (creds.present()) {
            b.header("Authorization", creds.basicHeader());
        }
        requests.incrementAndGet();
        HttpResponse<String> r;
        try {
            r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        if (r.statusCode() != 200) {
            throw new RegistryException("the token service of " + ref.registry() + " (" + p.get("realm") + ") refused: HTTP "
                    + r.statusCode(), r.statusCode(), null);
        }
        JsonNode token = parse(r.body().getBytes(StandardCharsets.UTF_8));
        String t = token.hasNonNull("token") ? token.get("token").asText() : token.path("access_token").asText();
        return "Bearer " + t;
    }

    private static String location(RegistryReference ref, HttpResponse<String> r) {
        String loc = r.headers().firstValue("Location").orElseThrow(() -> new RegistryException(
                "registry " + ref.registry() + " started an upload without a Location", r.statusCode(), null));
        return loc.startsWith("http") ? loc : ref.baseUrl() + loc;
    }

    private static String withDigest(String location, String digest) {
        return location + (location.contains("?") ? "&" : "?") + "digest=" + enc(digest);
    }

    private static void expect(HttpResponse<String> r, RegistryReference ref, String what, int status) {
        if (r.statusCode() != status) {
            throw new RegistryException("registry " + ref.registry() + " refused to " + what + ": HTTP " + r.statusCode()
                    + (r.body() == null || r.body().isBlank() ? "" : " " + r.body().strip()), r.statusCode(), null);
        }
    }

    private static HttpRequest.BodyPublisher slice(Path file, long from, long to) {
        return HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> {
            try {
                InputStream in = Files.newInputStream(file);
                in.skipNBytes(from);
                return new java.io.BufferedInputStream(new BoundedStream(in, to - from));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }), to - from);
    }

    /** The first {@code limit} bytes of a stream. */
    private static final class BoundedStream extends java.io.FilterInputStream {
        private long left;

        BoundedStream(InputStream in, long limit) {
            super(in);
            this.left = limit;
        }

        @Override
        public int read() throws IOException {
            if (left <= 0) {
                return -1;
            }
            int b = super.read();
            if (b >= 0) {
                left--;
            }
            return b;
        }

        @Override
        public int read(byte[] buf, int off, int len) throws IOException {
            if (left <= 0) {
                return -1;
            }
            int n = super.read(buf, off, (int) Math.min(len, left));
            if (n > 0) {
                left -= n;
            }
            return n;
        }
    }

    private static void pause(int attempt) {
        try {
            Thread.sleep(Math.min(8000, 250L << Math.min(attempt, 5)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static byte[] read(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new RegistryException("read " + p + ": " + e.getMessage(), 0, e);
        }
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            throw new RegistryException("read " + p + ": " + e.getMessage(), 0, e);
        }
    }

    private static JsonNode parse(byte[] json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new RegistryException("not JSON: " + e.getMessage(), 0, e);
        }
    }
}
