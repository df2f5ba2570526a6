package dev.gantry.platform.kubernetes;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import dev.gantry.platform.instance.Instance;
import dev.gantry.platform.instance.InstanceBackend;
import dev.gantry.platform.quota.Quota;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.EndpointPort;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

/**
 * Gantry's side of one Kubernetes cluster. Writes are server-side applies with field manager {@code gantry} (the
 * cluster merges them with what others own, and repeating one is free); reads come from three watches (Gantry's
 * Deployments, pods and Endpoints in every namespace, by label), so the reconciler can look every second
 * without costing the API server a request. The watches re-list and resume by themselves after the API server
 * was away.
 */
public final class KubernetesBackend implements AutoCloseable {

    /** Pod states that mean "this will not start by waiting". */
    public static final Set<String> HOPELESS = Set.of("CrashLoopBackOff", "ImagePullBackOff", "ErrImagePull",
            "InvalidImageName", "CreateContainerConfigError", "CreateContainerError", "RunContainerError");

    private static final String MANAGED = Labels.MANAGED_BY + "=" + Labels.FIELD_MANAGER;

    private final KubernetesClient client;
    private final String cluster;
    private final String imagePullSecret;
    private final boolean ingress;
    private final String ingressClass;
    private final AtomicLong requests = new AtomicLong();
    private SharedIndexInformer<Deployment> deployments;
    private SharedIndexInformer<Pod> pods;
    private SharedIndexInformer<Endpoints> endpoints;

    public KubernetesBackend(KubernetesSettings settings) {
        Config config;
        try {
            config = Config.fromKubeconfig(null, Files.readString(settings.kubeconfig()), null);
        } catch (IOException e) {
            throw new KubernetesFailure(String.valueOf(settings.name()), 0, null,
                    "cannot read the kubeconfig " + settings.kubeconfig() + ": " + e.getMessage(), e);
        }
        config.setRequestTimeout(10_000);
        config.setConnectionTimeout(5_000);
        config.setRequestRetryBackoffLimit(1); // the reconciler retries with its own backoff
        this.cluster = settings.name() != null ? settings.name()
                : config.getCurrentContext() != null ? config.getCurrentContext().getName() : config.getMasterUrl();
        this.imagePullSecret = settings.imagePullSecret();
        this.ingress = settings.ingress();
        this.ingressClass = settings.ingressClass();
        this.client = new KubernetesClientBuilder().withConfig(config)
                .withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor("gantry-count", new Interceptor() {
                    @Override
                    public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
                        requests.incrementAndGet();
                    }
                })).build();
    }

    public String clusterName() {
        return cluster;
    }

    /** HTTP requests made to the API server so far (watches count once per (re)connection). */
    public long apiCalls() {
        return requests.get();
    }

    /** The tenant's namespace with its quota, limits and isolation policy. */
    public void applyTenant(String tenant, Quota quota) {
        apply(TenantObjects.of(tenant, quota));
    }

    /**
     * Applies the app: Secret, a Deployment per process type (quantity 0 included: it scales to zero and keeps
     * its history for a rollback), the web Service; Deployments of types the formation no longer has are deleted.
     */
    public void applyApp(KubeApp app) {
        startWatches();
        apply(AppObjects.of(app, templateRelease(app), imagePullSecret, ingressClass));
        String ns = Labels.namespace(app.tenant());
        if (ingress && !AppObjects.wantsIngress(app)) {
            call("delete ingress " + app.app(), () -> client.network().v1().ingresses().inNamespace(ns)
                    .withName(Labels.service(app.app())).delete());
        }
        for (Deployment d : deployments.getStore().list()) {
            Map<String, String> l = d.getMetadata().getLabels();
            if (ns.equals(d.getMetadata().getNamespace()) && app.app().equals(l.get(Labels.APP))
                    && !app.formation().containsKey(l.get(Labels.TYPE))) {
                call("delete deployment " + d.getMetadata().getName(), () -> client.resource(d).delete());
            }
        }
    }

    /**
     * Asks the API server whether it would take the app, changing nothing: its objects, and a pod of each
     * process type that should run (a Deployment itself is always accepted; its pods meet the namespace's
     * LimitRange, ResourceQuota and admission policies only when its ReplicaSet creates them, too late to tell
     * the user who scaled).
     *
     * @throws KubernetesFailure with {@link KubernetesFailure#rejected()} and Kubernetes' reason if refused
     */
    public void check(KubeApp app) {
        for (HasMetadata o : AppObjects.of(app, templateRelease(app), imagePullSecret, ingressClass)) {
            call("check " + describe(o), () -> client.resource(o).dryRun().fieldManager(Labels.FIELD_MANAGER)
                    .forceConflicts().serverSideApply());
            if (o instanceof Deployment d && d.getSpec().getReplicas() != null && d.getSpec().getReplicas() > 0) {
                Pod pod = new io.fabric8.kubernetes.api.model.PodBuilder().withNewMetadata()
                        .withGenerateName(d.getMetadata().getName() + "-check-").withNamespace(d.getMetadata().getNamespace())
                        .withLabels(Map.of(Labels.MANAGED_BY, "gantry-check")).endMetadata()
                        .withSpec(d.getSpec().getTemplate().getSpec()).build();
                call("check a pod of " + describe(o), () -> client.pods().resource(pod).dryRun().create());
            }
        }
    }

    /** Removes every object of the app (its pods go with their Deployments). Missing is fine. */
    public void deleteApp(String tenant, String app) {
        String ns = Labels.namespace(tenant);
        call("delete app " + app, () -> {
            client.apps().deployments().inNamespace(ns).withLabel(Labels.APP, app).delete();
            client.services().inNamespace(ns).withLabel(Labels.APP, app).delete();
            if (ingress) {
                client.network().v1().ingresses().inNamespace(ns).withLabel(Labels.APP, app).delete();
            }
            client.secrets().inNamespace(ns).withLabel(Labels.APP, app).delete();
            return null;
        });
    }

    /** Removes the tenant's namespace and everything in it. */
    public void deleteTenant(String tenant) {
        call("delete namespace", () -> client.namespaces().withName(Labels.namespace(tenant)).delete());
    }

    /** The app's Deployments and pods as the watches last saw them. */
    public AppState state(String tenant, String app) {
        startWatches();
        String ns = Labels.namespace(tenant);
        List<TypeState> types = new ArrayList<>();
        for (Deployment d : deployments.getStore().list()) {
            if (ns.equals(d.getMetadata().getNamespace()) && app.equals(d.getMetadata().getLabels().get(Labels.APP))) {
                types.add(typeState(d));
            }
        }
        List<PodState> out = new ArrayList<>();
        for (Pod p : pods.getStore().list()) {
            if (ns.equals(p.getMetadata().getNamespace()) && app.equals(p.getMetadata().getLabels().get(Labels.APP))
                    && !p.getMetadata().getLabels().containsKey(Labels.RUN)
                    && p.getMetadata().getDeletionTimestamp() == null) {
                out.add(podState(p));
            }
        }
        return new AppState(types, out);
    }

    /** Ready addresses of the app's web Service, as its Endpoints object lists them. */
    public List<Endpoint> readyEndpoints(String tenant, String app) {
        startWatches();
        Endpoints e = endpoints.getStore().getByKey(Labels.namespace(tenant) + "/" + Labels.service(app));
        List<Endpoint> out = new ArrayList<>();
        if (e == null || e.getSubsets() == null) {
            return out;
        }
        for (EndpointSubset s : e.getSubsets()) {
            for (EndpointAddress a : s.getAddresses()) { // notReadyAddresses are left out: that is the point
                for (EndpointPort port : s.getPorts()) {
                    out.add(new Endpoint(a.getIp(), port.getPort()));
                }
            }
        }
        return out;
    }

    /**
     * New output of a pod since {@code sinceNanos} (epoch nanoseconds of the last line copied): the lines and
     * the time of the newest one. Kubernetes' {@code sinceTime} has second precision, so lines of that second
     * are fetched again and dropped by their timestamps.
     */
    public InstanceBackend.LogChunk readLog(String tenant, String pod, long sinceNanos) {
        String since = DateTimeFormatter.ISO_INSTANT.format(Instant.EPOCH.plusNanos(sinceNanos).truncatedTo(ChronoUnit.SECONDS));
        String text = call("read the log of pod " + pod, () -> client.pods().inNamespace(Labels.namespace(tenant))
                .withName(pod).usingTimestamps().sinceTime(since).getLog());
        List<InstanceBackend.LogEntry> entries = new ArrayList<>();
        long newest = sinceNanos;
        for (String line : text == null ? new String[0] : text.split("\n")) {
            int space = line.indexOf(' ');
            if (space <= 0) {
                continue;
            }
            long at;
            try {
                Instant t = Instant.parse(line.substring(0, space));
                at = TimeUnit.SECONDS.toNanos(t.getEpochSecond()) + t.getNano();
            } catch (RuntimeException e) {
                continue;
            }
            if (at > sinceNanos) {
                entries.add(new InstanceBackend.LogEntry("stdout", line.substring(space + 1)));
                newest = Math.max(newest, at);
            }
        }
        return new InstanceBackend.LogChunk(entries, newest);
    }

    /** Starts a one-off run: its Secret and its Job (see {@link RunObjects}). */
    public void startRun(KubeRun run) {
        String ns = Labels.namespace(run.tenant());
        for (HasMetadata o : RunObjects.of(run, imagePullSecret)) {
            call("create " + describe(o), () -> client.resource(o).inNamespace(ns).create());
        }
    }

    /** Where a one-off run stands: its pod (once there is one) and how it ended (once it did). */
    public record RunStatus(String pod, Instance.Exit exit, String failure) {
    }

    /**
     * The run's pod and its state. A pod that cannot start (its image cannot be pulled, its config is refused)
     * or a Job that failed without a pod (its deadline passed) is a {@code failure}.
     */
    public RunStatus runStatus(String tenant, String name) {
        String ns = Labels.namespace(tenant);
        var list = call("list the pods of run " + name, () -> client.pods().inNamespace(ns)
                .withLabel(Labels.RUN, name).list());
        for (Pod p : list.getItems()) {
            var status = p.getStatus();
            for (ContainerStatus c : status == null || status.getContainerStatuses() == null
                    ? List.<ContainerStatus>of() : status.getContainerStatuses()) {
                var terminated = c.getState() == null ? null : c.getState().getTerminated();
                if (terminated != null) {
                    return new RunStatus(p.getMetadata().getName(), new Instance.Exit(n(terminated.getExitCode()),
                            "OOMKilled".equals(terminated.getReason())), null);
                }
                var waiting = c.getState() == null ? null : c.getState().getWaiting();
                if (waiting != null && HOPELESS.contains(waiting.getReason())) {
                    return new RunStatus(p.getMetadata().getName(), null, "pod " + p.getMetadata().getName()
                            + " is in " + waiting.getReason() + (waiting.getMessage() == null ? ""
                            : ": " + waiting.getMessage()));
                }
            }
            return new RunStatus(p.getMetadata().getName(), null, null);
        }
        var job = call("read job " + name, () -> client.batch().v1().jobs().inNamespace(ns).withName(name).get());
        if (job != null && job.getStatus() != null && job.getStatus().getConditions() != null) {
            for (var c : job.getStatus().getConditions()) {
                if ("Failed".equals(c.getType()) && "True".equals(c.getStatus())) {
                    return new RunStatus(null, null, "job " + name + " failed: " + c.getReason() + " " + c.getMessage());
                }
            }
        }
        return new RunStatus(null, null, null);
    }

    /** Removes the run's Job, its pod and its Secret. Missing is fine. */
    public void deleteRun(String tenant, String name) {
        String ns = Labels.namespace(tenant);
        call("delete run " + name, () -> {
            client.batch().v1().jobs().inNamespace(ns).withName(name)
                    .withPropagationPolicy(io.fabric8.kubernetes.api.model.DeletionPropagation.BACKGROUND).delete();
            client.pods().inNamespace(ns).withLabel(Labels.RUN, name).delete();
            client.secrets().inNamespace(ns).withName(name).delete();
            return null;
        });
    }

    @Override
    public void close() {
        client.close();
    }

    /**
     * The release named in the pod template: the one that introduced the fingerprint, so that a scale (a new
     * release, same code and config) leaves the template as it is, and a rollback to earlier code and config
     * gives exactly the template of its old ReplicaSet, which Kubernetes then scales up again instead of making
     * a new one. Looked up in the Deployments (cached) or else the ReplicaSets, once per new fingerprint.
     */
    private int templateRelease(KubeApp app) {
        String ns = Labels.namespace(app.tenant());
        if (deployments != null) {
            for (Deployment d : deployments.getStore().list()) {
                var meta = d.getSpec().getTemplate().getMetadata();
                if (ns.equals(d.getMetadata().getNamespace()) && app.app().equals(d.getMetadata().getLabels().get(Labels.APP))
                        && app.fingerprint().equals(meta.getLabels().get(Labels.FINGERPRINT))) {
                    return releaseOf(meta.getAnnotations(), app.release());
                }
            }
        }
        var sets = call("list ReplicaSets", () -> client.apps().replicaSets().inNamespace(ns)
                .withLabel(Labels.APP, app.app()).withLabel(Labels.FINGERPRINT, app.fingerprint()).list());
        return sets.getItems().stream().map(r -> releaseOf(r.getSpec().getTemplate().getMetadata().getAnnotations(),
                app.release())).min(Integer::compare).orElse(app.release());
    }

    private static int releaseOf(Map<String, String> annotations, int otherwise) {
        try {
            return Integer.parseInt(annotations.get(Labels.RELEASE));
        } catch (RuntimeException e) {
            return otherwise;
        }
    }

    private synchronized void startWatches() {
        if (deployments != null) {
            return;
        }
        try {
            deployments = client.apps().deployments().inAnyNamespace().withLabelSelector(MANAGED).runnableInformer(0);
            pods = client.pods().inAnyNamespace().withLabelSelector(MANAGED).runnableInformer(0);
            endpoints = client.endpoints().inAnyNamespace().withLabelSelector(MANAGED).runnableInformer(0);
            // Endpoints carry the Service's labels only if it has them: Gantry's Services do.
            deployments.start();
            pods.start();
            endpoints.start();
        } catch (KubernetesClientException e) {
            deployments = null;
            throw failure("watch the cluster", e);
        }
    }

    private static TypeState typeState(Deployment d) {
        var status = d.getStatus();
        String type = d.getMetadata().getLabels().get(Labels.TYPE);
        String fingerprint = d.getSpec().getTemplate().getMetadata().getLabels().get(Labels.FINGERPRINT);
        int desired = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
        boolean caughtUp = status != null && status.getObservedGeneration() != null
                && status.getObservedGeneration() >= d.getMetadata().getGeneration();
        if (!caughtUp) {
            return new TypeState(type, desired, -1, 0, 0, 0, fingerprint, null);
        }
        String failure = null;
        for (DeploymentCondition c : status.getConditions()) {
            if ("ReplicaFailure".equals(c.getType()) && "True".equals(c.getStatus())
                    || "Progressing".equals(c.getType()) && "ProgressDeadlineExceeded".equals(c.getReason())) {
                failure = c.getReason() + ": " + c.getMessage();
            }
        }
        return new TypeState(type, desired, n(status.getReplicas()), n(status.getUpdatedReplicas()),
                n(status.getReadyReplicas()), n(status.getAvailableReplicas()), fingerprint, failure);
    }

    private static PodState podState(Pod p) {
        Map<String, String> l = p.getMetadata().getLabels();
        var status = p.getStatus();
        boolean ready = status.getConditions().stream()
                .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
        int restarts = 0;
        String reason = null;
        for (ContainerStatus c : status.getContainerStatuses()) {
            restarts += c.getRestartCount() == null ? 0 : c.getRestartCount();
            if (c.getState() != null && c.getState().getWaiting() != null) {
                reason = c.getState().getWaiting().getReason();
            }
        }
        if (reason == null && "Pending".equals(status.getPhase()) && status.getConditions().stream()
                .anyMatch(c -> "PodScheduled".equals(c.getType()) && "False".equals(c.getStatus()))) {
            reason = "Unschedulable";
        }
        int release;
        try {
            release = Integer.parseInt(p.getMetadata().getAnnotations().get(Labels.RELEASE));
        } catch (RuntimeException e) {
            release = 0;
        }
        Instant started = status.getStartTime() == null ? null : Instant.parse(status.getStartTime());
        return new PodState(p.getMetadata().getName(), l.get(Labels.TYPE), release, l.get(Labels.FINGERPRINT),
                status.getPodIP(), Labels.PORT, status.getPhase(), ready, restarts, reason, started);
    }

    private static int n(Integer i) {
        return i == null ? 0 : i;
    }

    private void apply(List<HasMetadata> objects) {
        for (HasMetadata o : objects) {
            call("apply " + describe(o), () -> client.resource(o).fieldManager(Labels.FIELD_MANAGER).forceConflicts()
                    .serverSideApply());
        }
    }

    private static String describe(HasMetadata o) {
        return o.getKind() + " " + (o.getMetadata().getNamespace() == null ? "" : o.getMetadata().getNamespace() + "/")
                + o.getMetadata().getName();
    }

    private <T> T call(String what, java.util.function.Supplier<T> action) {
        try {
            return action.get();
        } catch (KubernetesClientException e) {
            throw failure(what, e);
        }
    }

    private KubernetesFailure failure(String what, KubernetesClientException e) {
        int code = Math.max(0, e.getCode()); // -1: no HTTP answer at all
        String reason = e.getStatus() == null ? null : e.getStatus().getReason();
        String said = e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage()
                : rootMessage(e);
        String message = code == 0 ? "unreachable (" + what + "): " + said : what + " refused (" + code
                + (reason == null ? "" : " " + reason) + "): " + said;
        return new KubernetesFailure(cluster, code, reason, message, e);
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
