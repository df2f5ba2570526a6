package dev.gantry.platform.kubernetes;

import java.util.Map;

/** The names and labels Gantry gives what it creates in a cluster, in one place. */
final class Labels {

    static final String PREFIX = "gantry.dev/";
    static final String TENANT = PREFIX + "tenant";
    static final String APP = PREFIX + "app";
    static final String TYPE = PREFIX + "type";
    static final String RELEASE = PREFIX + "release";
    static final String FINGERPRINT = PREFIX + "fingerprint";
    /** On a one-off run's objects: the run's name. Its pods are not instances of the app. */
    static final String RUN = PREFIX + "run";
    static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    static final String FIELD_MANAGER = "gantry";
    /** Every instance listens here ($PORT), as on the local engine. */
    static final int PORT = 5000;
    static final String WEB = "web";

    private Labels() {
    }

    static String namespace(String tenant) {
        return "gantry-" + tenant;
    }

    static String deployment(String app, String type) {
        return app + "-" + type;
    }

    /** The web Service (and its Endpoints) is named after the app: {@code http://<app>} inside the namespace. */
    static String service(String app) {
        return app;
    }

    static String configSecret(String app) {
        return app + "-config";
    }

    static Map<String, String> ofTenant(String tenant) {
        return Map.of(TENANT, tenant, MANAGED_BY, FIELD_MANAGER);
    }

    static Map<String, String> ofApp(String tenant, String app) {
        return Map.of(TENANT, tenant, APP, app, MANAGED_BY, FIELD_MANAGER);
    }

    static Map<String, String> ofRun(String tenant, String app, String run) {
        return Map.of(TENANT, tenant, APP, app, RUN, run, MANAGED_BY, FIELD_MANAGER);
    }

    static Map<String, String> ofType(String tenant, String app, String type) {
        return Map.of(TENANT, tenant, APP, app, TYPE, type, MANAGED_BY, FIELD_MANAGER);
    }
}
