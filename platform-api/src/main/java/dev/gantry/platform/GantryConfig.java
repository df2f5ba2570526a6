package dev.gantry.platform;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Gantry's own settings. Each one can be set by an environment variable named after it
 * ({@code gantry.base-domain} is {@code GANTRY_BASE_DOMAIN}); the README lists them.
 */
@ConfigMapping(prefix = "gantry")
public interface GantryConfig {

    /** Holds git repos, images, build caches, container state and the owned database. */
    Path dataDir();

    /** The admin token to create on the very first start, for automation; otherwise one is generated. */
    Optional<String> adminToken();

    /** The key that seals config vars (base64 of 32 bytes); by default {@code <data-dir>/config.key}. */
    Optional<String> configKey();

    /** The host name users reach this machine by, used in git remote URLs. */
    @WithDefault("localhost")
    String publicHost();

    /** Apps are served at {@code <app>.<tenant>.<base-domain>}. */
    @WithDefault("localhost")
    String baseDomain();

    /** The platform API, dashboard and git over HTTP. */
    @WithDefault("8080")
    int apiPort();

    @WithDefault("8000")
    int routerHttpPort();

    @WithDefault("8443")
    int routerHttpsPort();

    @WithDefault("2222")
    int sshPort();

    /** The router's admin API on loopback, where the platform pushes the route table. */
    @WithDefault("8001")
    int routerAdminPort();

    /** The router's access log, whose lines the platform copies into each app's log stream (source router). */
    Optional<Path> routerAccessLog();

    /** {@code off} when no router runs beside the platform ({@code GANTRY_ROUTER=off}); routes are then not pushed. */
    @WithDefault("on")
    String router();

    /** How much log each app keeps on disk: {@code segments} files of {@code segment-bytes}. */
    Logs logs();

    interface Logs {
        @WithDefault("1048576")
        long segmentBytes();

        @WithDefault("8")
        int segments();
    }

    /** The quota a new tenant starts with; the admin changes it per tenant. */
    DefaultQuota defaultQuota();

    interface DefaultQuota {
        @WithDefault("2G")
        String memory();

        @WithDefault("10")
        int instances();

        @WithDefault("2")
        BigDecimal cpus();
    }

    /** Limits of each build container (it also sits inside its tenant's cgroup budget). */
    Builds builds();

    interface Builds {
        /** Memory in megabytes. */
        @WithDefault("1024")
        int memory();

        @WithDefault("1.0")
        double cpus();

        @WithDefault("15m")
        Duration timeout();

        /**
         * What apps are built and run on: {@code host} (the host's own /usr, read-only; fast, not portable), or a
         * stack made by {@code ./gantry stack build bookworm}: its name under {@code <data-dir>/stacks}, or a path.
         * Apps placed on Kubernetes need such a stack (their images carry it as a layer).
         */
        @WithDefault("host")
        String stack();
    }

    /** How the reconciler runs app instances. */
    Instances instances();

    interface Instances {
        /** {@code off} keeps the reconciler from starting anything (an API-only platform). */
        @WithDefault("on")
        String reconciler();

        /**
         * {@code isolated}: each instance in its own network namespace on its tenant's network (the default);
         * {@code host}: instances share the host's network on random ports (no network isolation; for hosts
         * where the engine's networking cannot run).
         */
        @WithDefault("isolated")
        String network();

        /** How long a new instance has to pass its health check. */
        @WithDefault("60s")
        Duration bootTimeout();

        /** Between SIGTERM and SIGKILL when an instance stops. */
        @WithDefault("30s")
        Duration stopGrace();

        /** How long requests in flight may take to finish before a replaced instance is stopped anyway. */
        @WithDefault("30s")
        Duration drainTimeout();

        /** Crash backoff, Cloud Foundry's: a few immediate restarts, then doubling delays up to a cap. */
        @WithDefault("3")
        int immediateRestarts();

        @WithDefault("30s")
        Duration backoffBase();

        @WithDefault("16m")
        Duration backoffMax();

        /** An instance up this long resets its slot's crash count. */
        @WithDefault("5m")
        Duration stableAfter();

        /**
         * CPU an instance may use while it starts, until it passes its health check (a "startup boost", in
         * thousandths of a CPU); then its size's share applies. Its tenant's quota caps it all the same. An app
         * that boots in 0.4 CPU-seconds answers in 0.4 s rather than 1.6 s at the default 0.25 CPU.
         */
        @WithDefault("1000")
        int bootMillicpus();
    }

    /** An existing Kubernetes cluster that tenants or apps can be placed on (none by default). */
    Kubernetes kubernetes();

    interface Kubernetes {
        /** The kubeconfig to reach the cluster with; without it the {@code kubernetes} backend is unavailable. */
        Optional<Path> kubeconfig();

        /** Names the cluster in messages; by default the kubeconfig's current context. */
        Optional<String> name();

        /**
         * Where app images are pushed for the cluster to pull, {@code host[:port][/prefix]}; each app's image is
         * {@code <registry>/<tenant>/<app>@sha256:…}. Plain HTTP for loopback addresses, HTTPS otherwise.
         */
        Optional<String> registry();

        Optional<String> registryUsername();

        Optional<String> registryPassword();

        /** A Secret of type dockerconfigjson in each tenant namespace that lets the kubelet pull from the registry. */
        Optional<String> imagePullSecret();

        /**
         * {@code endpoints}: the router sends traffic straight to ready pod addresses (the pod network is reachable
         * from this machine); {@code ingress}: Gantry creates an Ingress per app host instead (see docs/kubernetes.md).
         */
        @WithDefault("endpoints")
        String routing();

        /** With {@code ingress} routing: host:port of the cluster's ingress controller, as this machine reaches it. */
        Optional<String> ingressAddress();

        /** With {@code ingress} routing: the IngressClass of Gantry's Ingresses (none: the cluster's default). */
        Optional<String> ingressClass();

        /** How often app logs are copied from running pods into Gantry's log stream. */
        @WithDefault("5s")
        Duration logInterval();
    }
}
