package dev.gantry.platform.kubernetes;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;

/**
 * A one-off run as Kubernetes objects: a Job of exactly one pod that is never restarted (a failed migration
 * must not run twice), and the release's config vars in a Secret of the run's own (the app's Secret holds the
 * current release's, which may differ). Both carry the run label, so that the run's pods are not taken for the
 * app's instances, and are deleted together when the run ends.
 */
final class RunObjects {

    private RunObjects() {
    }

    static List<HasMetadata> of(KubeRun run, String imagePullSecret) {
        String ns = Labels.namespace(run.tenant());
        Map<String, String> labels = Labels.ofRun(run.tenant(), run.app(), run.name());
        var secret = new SecretBuilder().withNewMetadata().withName(run.name()).withNamespace(ns)
                .withLabels(labels).endMetadata().withType("Opaque").withStringData(new TreeMap<>(run.env())).build();
        Map<String, Quantity> resources = Map.of("memory", new Quantity(run.memoryMb() + "Mi"),
                "cpu", new Quantity(run.millicpus() + "m"));
        var job = new JobBuilder().withNewMetadata().withName(run.name()).withNamespace(ns).withLabels(labels)
                .endMetadata().withNewSpec()
                .withBackoffLimit(0).withActiveDeadlineSeconds(run.deadlineSeconds())
                .withNewTemplate().withNewMetadata().withLabels(labels).endMetadata()
                .withNewSpec().withRestartPolicy("Never")
                .withAutomountServiceAccountToken(false)
                .withEnableServiceLinks(false)
                .withNewSecurityContext().withRunAsNonRoot(true).withRunAsUser(1000L).withRunAsGroup(1000L)
                .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile().endSecurityContext()
                .addNewContainer().withName("run").withImage(run.image())
                // the image's entrypoint is Gantry's launcher: --run runs a command instead of a process type
                .withArgs("--run", run.command())
                .addNewEnv().withName("PORT").withValue(String.valueOf(Labels.PORT)).endEnv()
                .addNewEnvFrom().withNewSecretRef().withName(run.name()).endSecretRef().endEnvFrom()
                .withNewResources().withRequests(resources).withLimits(resources).endResources()
                .withNewSecurityContext().withAllowPrivilegeEscalation(false).withRunAsNonRoot(true)
                .withNewCapabilities().withDrop("ALL").endCapabilities().endSecurityContext()
                .endContainer()
                .endSpec().endTemplate().endSpec();
        if (imagePullSecret != null) {
            job.editSpec().editTemplate().editSpec().addNewImagePullSecret(imagePullSecret).endSpec().endTemplate()
                    .endSpec();
        }
        return List.of(secret, job.build());
    }
}
