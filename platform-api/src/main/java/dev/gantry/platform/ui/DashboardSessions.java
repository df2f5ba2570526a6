package dev.gantry.platform.ui;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import dev.gantry.platform.auth.ApiToken;
import dev.gantry.platform.auth.Caller;
import dev.gantry.platform.auth.Tokens;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The dashboard's sign-in sessions. Signing in with an API token opens a session: a random id (256 bits) in an
 * HttpOnly, SameSite=Strict cookie, mapped here to the token it was opened with. The token itself never goes
 * into the cookie, so signing out really ends the session on the server (the old cookie is refused), and
 * revoking the token ends every session opened with it. Only the SHA-256 of a session id is kept, like tokens.
 *
 * <p>Sessions live in memory: a platform restart signs everyone out of the dashboard, which costs a sign-in and
 * needs no table. A session ends after {@link #IDLE} without use; at most {@link #MAX_SESSIONS} are kept (the
 * least recently used goes first), and only a valid token can open one.
 */
@ApplicationScoped
public class DashboardSessions {

    public static final String COOKIE = "gantry_session";
    /**
     * Unsafe requests authenticated by the session cookie must carry this header (any value). A cross-site form
     * cannot set it, and a cross-site script cannot either without a CORS preflight, which Gantry never grants.
     */
    public static final String CSRF_HEADER = "X-Gantry-CSRF";
    static final Duration IDLE = Duration.ofHours(12);
    static final int MAX_SESSIONS = 10_000;

    private static final SecureRandom RANDOM = new SecureRandom();

    private record Session(long tokenId, Instant lastSeen) {
    }

    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final Clock clock = Clock.systemUTC();

    /** Opens a session for {@code token} and returns its id, the cookie's value. */
    public String open(ApiToken token) {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        String id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        if (sessions.size() >= MAX_SESSIONS) {
            evictExpiredOrOldest();
        }
        sessions.put(Tokens.hash(id), new Session(token.id, clock.instant()));
        return id;
    }

    /** The caller a session acts as, if the session is open and its token still exists. */
    public Optional<Caller> caller(String sessionId) {
        return tokenOf(sessionId).map(DashboardSessions::callerOf);
    }

    /** The token a session was opened with, if the session is open and the token still exists. */
    public Optional<ApiToken> tokenOf(String sessionId) {
        if (sessionId == null || sessionId.isBlank()) {
            return Optional.empty();
        }
        String key = Tokens.hash(sessionId);
        Session session = sessions.get(key);
        Instant now = clock.instant();
        if (session == null) {
            return Optional.empty();
        }
        if (session.lastSeen().plus(IDLE).isBefore(now)) {
            sessions.remove(key, session);
            return Optional.empty();
        }
        Optional<ApiToken> token = ApiToken.find("from ApiToken t left join fetch t.tenant where t.id = ?1",
                session.tokenId()).firstResultOptional();
        if (token.isEmpty()) {
            sessions.remove(key);
            return Optional.empty();
        }
        sessions.replace(key, session, new Session(session.tokenId(), now));
        return token;
    }

    /** Ends a session; the cookie that carried it is refused from now on. */
    public void close(String sessionId) {
        if (sessionId != null && !sessionId.isBlank()) {
            sessions.remove(Tokens.hash(sessionId));
        }
    }

    /** The caller of a token, labelled for audit records like a bearer token, marked as a dashboard session. */
    public static Caller callerOf(ApiToken token) {
        String label = token.hint + (token.description == null ? "" : " (" + token.description + ")") + " via dashboard";
        return new Caller(token.id, token.tenant, label);
    }

    private void evictExpiredOrOldest() {
        Instant cutoff = clock.instant().minus(IDLE);
        sessions.entrySet().removeIf(e -> e.getValue().lastSeen().isBefore(cutoff));
        while (sessions.size() >= MAX_SESSIONS) {
            sessions.entrySet().stream().min(Comparator.comparing(e -> e.getValue().lastSeen()))
                    .ifPresent(e -> sessions.remove(e.getKey(), e.getValue()));
        }
    }
}
