package dev.gantry.router;

/**
 * The router process: {@code java -cp "router/target/router-0.1.0-SNAPSHOT.jar:router/target/lib/*"
 * dev.gantry.router.RouterMain}. Configured by environment variables (see {@link RouterConfig#fromEnv});
 * exits with status 1 if it cannot start, and stops cleanly on SIGTERM.
 */
public final class RouterMain {

    private RouterMain() {
    }

    public static void main(String[] args) {
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tFT%1$tT %4$s router: %5$s%6$s%n");
        }
        // Netty's pooled allocator takes memory in 4 MiB chunks per arena by default; 1 MiB chunks keep
        // an idle router small at no measurable cost for proxying. Must be set before Netty loads.
        if (System.getProperty("io.netty.allocator.maxOrder") == null) {
            System.setProperty("io.netty.allocator.maxOrder", "7");
        }
        Router router;
        RouterConfig config;
        try {
            config = RouterConfig.fromEnv(System.getenv());
            router = Router.create(config);
            router.start();
        } catch (RouterException e) {
            System.err.println("gantry router: " + e.getMessage());
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(router::close, "router-shutdown"));
        System.out.println("gantry router: http on " + config.bindHost() + ":" + router.httpPort()
                + ", admin on " + config.adminHost() + ":" + router.adminPort()
                + ", base domain " + config.baseDomain() + ", route table version " + router.table().version()
                + " (" + router.table().apps().size() + " apps)");
    }
}
