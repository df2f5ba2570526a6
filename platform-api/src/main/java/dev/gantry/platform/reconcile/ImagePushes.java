package dev.gantry.platform.reconcile;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;

import dev.gantry.build.image.ImageStore;
import dev.gantry.build.image.PortableImages;
import dev.gantry.build.stack.DirectoryStack;
import dev.gantry.build.registry.Credentials;
import dev.gantry.build.registry.RegistryClient;
import dev.gantry.build.registry.RegistryReference;
import dev.gantry.platform.logs.LogStore;

/**
 * Pushes the images of apps on the Kubernetes backend to the operator's registry, one at a time on a thread of
 * its own (a push can take a while; the reconciler must not wait for it). Each image goes to
 * {@code <registry>/<tenant>/<app>:v<release>} and is then referred to by digest, so what the cluster pulls is
 * exactly what was built. An image built on a Debian stack is first made portable (the stack as its base layer,
 * Gantry's launcher as entrypoint: {@link PortableImages}); one built on the host stack cannot be. A failed push is retried after a delay; the registry client resumes what it had sent.
 */
final class ImagePushes {

    private static final Duration RETRY = Duration.ofSeconds(10);

    /** Where an app's image stands. {@code reference} is set once it is in the registry. */
    record Status(boolean done, String reference, String failed) {
    }

    private final ImageStore store;
    /** The stack images are built on, when it can be a layer of theirs (null: the host's, which cannot). */
    private final DirectoryStack stack;
    private final RegistryClient registry;
    private final String registryPrefix;
    private final Credentials credentials;
    private final LogStore logs;
    private final ExecutorService pusher;
    private final Map<String, Status> byImage = new ConcurrentHashMap<>();
    private final Map<String, Instant> retryAt = new ConcurrentHashMap<>();

    ImagePushes(ImageStore store, DirectoryStack stack, RegistryClient registry, String registryPrefix,
                Credentials credentials, LogStore logs, ExecutorService pusher) {
        this.store = store;
        this.stack = stack;
        this.registry = registry;
        this.registryPrefix = registryPrefix.replaceAll("/+$", "");
        this.credentials = credentials;
        this.logs = logs;
        this.pusher = pusher;
    }

    private boolean portable(String image) {
        try {
            return PortableImages.isPortable(store, image);
        } catch (RuntimeException e) {
            return false; // not an image of this store (a test image): the host stack's rule applies
        }
    }

    /** Where the image is in the registry, if it was pushed for this app. */
    Optional<String> pushed(String tenant, String app, String image) {
        if (image.contains("/")) {
            return Optional.of(image);
        }
        Status s = byImage.get(registryPrefix + "/" + tenant + "/" + app + "@" + image);
        return s != null && s.done() ? Optional.of(s.reference()) : Optional.empty();
    }

    /** Starts the push of the app's image if needed; returns where it stands now. */
    Status ensure(DesiredApp app) {
        if (app.image().contains("/")) {
            return new Status(true, app.image(), null); // released from a registry already (POST .../releases)
        }
        String repository = registryPrefix + "/" + app.tenant() + "/" + app.app();
        String key = repository + "@" + app.image();
        Status s = byImage.get(key);
        if (s != null && (s.done() || s.failed() == null || Instant.now().isBefore(retryAt.getOrDefault(key, Instant.MIN)))) {
            return s;
        }
        boolean portable = portable(app.image());
        if (!portable && stack == null) {
            return new Status(false, null, "release v" + app.release() + " was built on the host stack, which a "
                    + "cluster cannot run: the operator sets GANTRY_BUILDS_STACK to a stack made with "
                    + "./gantry stack build bookworm (see docs/kubernetes.md)");
        }
        Status pushing = new Status(false, null, null);
        byImage.put(key, pushing);
        RegistryReference ref = RegistryReference.parse(repository + ":v" + app.release());
        logs.append(app.appId(), "gantry", "push", "Pushing image " + app.image() + " to " + ref);
        pusher.execute(() -> {
            try {
                String image = portable ? app.image() : PortableImages.export(store, app.image(), stack);
                String digest = registry.push(store, image, ref, credentials, (blob, sent, total) -> {
                });
                byImage.put(key, new Status(true, repository + "@" + digest, null));
                logs.append(app.appId(), "gantry", "push", "Pushed " + repository + "@" + digest);
            } catch (RuntimeException e) {
                String why = "could not push the image to " + ref.registry() + ": " + e.getMessage();
                retryAt.put(key, Instant.now().plus(RETRY));
                byImage.put(key, new Status(false, null, why));
                logs.append(app.appId(), "gantry", "push", why + " (retrying in " + RETRY.toSeconds() + " s)");
            }
        });
        return pushing;
    }
}
