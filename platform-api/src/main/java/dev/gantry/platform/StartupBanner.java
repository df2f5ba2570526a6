package dev.gantry.platform;

import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/** Tells the operator where everything is, once the platform is ready. */
@ApplicationScoped
public class StartupBanner {

    private static final Logger LOG = Logger.getLogger(StartupBanner.class);

    @Inject
    GantryConfig config;

    @ConfigProperty(name = "quarkus.http.port")
    int httpPort;

    void onStart(@Observes @Priority(Integer.MAX_VALUE) StartupEvent event) {
        String base = "http://" + config.publicHost() + ":" + httpPort;
        LOG.infof("Gantry is up at %s: API %s/api, health %s/q/health, OpenAPI %s/q/openapi; data in %s",
                base, base, base, base, config.dataDir());
    }
}
