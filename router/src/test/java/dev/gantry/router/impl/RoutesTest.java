package dev.gantry.router.impl;

import dev.gantry.router.AppRoute;
import dev.gantry.router.Instance;
import dev.gantry.router.RouteOptions;
import dev.gantry.router.RouteTable;
import dev.gantry.router.RouterException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Lookup rules and how instance state carries over between tables. No network. */
class RoutesTest {

    static AppRoute app(String key, List<String> hosts, int... ports) {
        return new AppRoute(key, hosts, java.util.Arrays.stream(ports).mapToObj(p -> new Instance("10.0.0.1", p))
                .toList(), RouteOptions.DEFAULTS);
    }

    @Test
    void lookupNormalisesAndPrefersExactThenLongestWildcard() {
        UpstreamRegistry reg = new UpstreamRegistry();
        Routes r = Routes.compile(new RouteTable(1, List.of(
                app("a.t", List.of("*.example.com", "exact.example.com")),
                app("b.t", List.of("*.deep.example.com")),
                app("c.t", List.of("other.example.com")))), "apps.test", reg, 30_000);
        assertEquals("a.t", r.lookup("a.t.apps.test").app());
        assertEquals("a.t", r.lookup("A.T.Apps.Test:8000").app());
        assertEquals("a.t", r.lookup("a.t.apps.test.").app());
        assertEquals("a.t", r.lookup("x.example.com").app());
        assertEquals("b.t", r.lookup("x.deep.example.com").app());
        assertEquals("a.t", r.lookup("deep.example.com").app(), "*.deep.example.com does not cover its apex");
        assertEquals("c.t", r.lookup("other.example.com").app(), "exact beats wildcard");
        assertNull(r.lookup("example.com"));
        assertNull(r.lookup("a.t.localhost"), "the base domain is the configured one");
        assertNull(r.lookup(null));
        assertNull(r.lookup("[::1]:8000"));
    }

    @Test
    void instanceStateSurvivesAnUpdateAndRemovedInstancesDrain() {
        UpstreamRegistry reg = new UpstreamRegistry();
        Routes first = Routes.compile(new RouteTable(1, List.of(app("a.t", List.of(), 1, 2))), "x", reg, 1);
        Upstream one = first.lookup("a.t.x").pick(null, System.nanoTime());
        one.begin();
        Routes second = Routes.compile(new RouteTable(2, List.of(app("a.t", List.of(), 3, 1, 2))), "x", reg, 1);
        Upstream again = null;
        for (Upstream u : second.pools().get(0).upstreams()) {
            if (u.instance().equals(one.instance())) {
                again = u;
            }
        }
        assertSame(one, again, "same object, so its in-flight count carries over");
        assertEquals(1, again.inFlight());

        Routes.compile(new RouteTable(3, List.of(app("a.t", List.of(), 3))), "x", reg, 1);
        assertTrue(reg.status(System.nanoTime()).stream()
                .anyMatch(s -> s.port() == one.instance().port() && s.draining() && s.inFlight() == 1));
        reg.ended(one);
        assertTrue(reg.status(System.nanoTime()).stream().noneMatch(s -> s.port() == one.instance().port()),
                "a drained instance is forgotten");
    }

    @Test
    void anAppsDefaultNameCannotBeAnotherAppsCustomDomain() {
        RouterException e = assertThrows(RouterException.class, () -> Routes.validate(new RouteTable(1, List.of(
                app("a.t", List.of()), app("b.t", List.of("a.t.localhost")))), "localhost"));
        assertEquals(RouterException.Code.INVALID_TABLE, e.code());
    }
}
