package dev.gantry.platform.run;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gantry.platform.auth.Caller;
import dev.gantry.platform.auth.CurrentCaller;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Multi;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;

/**
 * {@code POST /api/apps/{app}/runs}: a one-off command. Plain JSON waits and answers with the exit code and the
 * output; with {@code Accept: text/event-stream} each output line is an {@code output} event as it happens and
 * the last event, {@code exit}, carries the result — for long commands.
 */
@Path("/api/apps/{app}/runs")
@Consumes(MediaType.APPLICATION_JSON)
public class RunResource {

    /** Streamed runs need a thread each while they last; bounded so runs cannot exhaust the platform. */
    private static final ExecutorService STREAMS = Executors.newFixedThreadPool(4, r -> {
        Thread t = new Thread(r, "run-stream");
        t.setDaemon(true);
        return t;
    });

    @Inject
    CurrentCaller caller;

    @Inject
    Runs runs;

    @Inject
    ObjectMapper json;

    @POST
    @Blocking
    @Produces(MediaType.APPLICATION_JSON)
    public RunResult run(@PathParam("app") String app, RunRequest body) {
        Caller c = caller.get();
        return runs.run(runs.prepare(c.requireTenant().id, app, body, c.label()), line -> { });
    }

    /** Events: {@code output} (one line of text each), then {@code exit} ({@code {"exit_code", "timed_out", "oom_killed"}}). */
    @POST
    @Blocking
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public Multi<OutboundSseEvent> stream(@PathParam("app") String app, RunRequest body, @Context Sse sse) {
        Caller c = caller.get();
        Runs.Prepared prepared = runs.prepare(c.requireTenant().id, app, body, c.label()); // 4xx before streaming
        return Multi.createFrom().emitter(emitter -> STREAMS.execute(() -> {
            try {
                RunResult r = runs.run(prepared,
                        line -> emitter.emit(sse.newEventBuilder().name("output").data(line).build()));
                emitter.emit(sse.newEventBuilder().name("exit").data(json.writeValueAsString(Runs.exitEvent(r))).build());
                emitter.complete();
            } catch (RuntimeException | JsonProcessingException e) {
                emitter.fail(e);
            }
        }));
    }
}
