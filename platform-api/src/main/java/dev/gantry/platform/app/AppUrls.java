package dev.gantry.platform.app;

import dev.gantry.platform.GantryConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** The public URLs of an app, from the public contract: git over HTTP on the API port, the app on the router. */
@ApplicationScoped
public class AppUrls {

    @Inject
    GantryConfig config;

    public String gitUrl(String tenant, String app) {
        return "http://" + config.publicHost() + ":" + config.apiPort() + "/git/" + tenant + "/" + app + ".git";
    }

    public String sshGitUrl(String tenant, String app) {
        return "ssh://git@" + config.publicHost() + ":" + config.sshPort() + "/" + tenant + "/" + app + ".git";
    }

    public String webUrl(String tenant, String app) {
        String port = config.routerHttpPort() == 80 ? "" : ":" + config.routerHttpPort();
        return "http://" + app + "." + tenant + "." + config.baseDomain() + port + "/";
    }

    public AppView view(App app, String tenant) {
        return new AppView(app.name, tenant, gitUrl(tenant, app.name), webUrl(tenant, app.name),
                sshGitUrl(tenant, app.name), app.healthCheckPath, app.egress, app.effectiveBackend().id(), app.createdAt);
    }
}
