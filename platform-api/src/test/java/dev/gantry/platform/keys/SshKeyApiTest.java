package dev.gantry.platform.keys;

import static dev.gantry.platform.ApiClient.as;
import static dev.gantry.platform.ApiClient.asAdmin;
import static dev.gantry.platform.ApiClient.newTenant;
import static dev.gantry.platform.ApiClient.uniqueName;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.gantry.platform.FileTrees;
import dev.gantry.platform.PostgresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Keys made by the real ssh-keygen; fingerprints must read exactly as ssh-keygen -l prints them. */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class SshKeyApiTest {

    private Path dir;
    private String token;

    @BeforeEach
    void setUp() throws Exception {
        dir = Files.createTempDirectory("gantry-test-keys-");
        token = newTenant(uniqueName("t"));
    }

    @AfterEach
    void cleanUp() throws Exception {
        FileTrees.deleteTree(dir);
    }

    @Test
    void addListAndRemoveKeysWithOpenSshFingerprints() throws Exception {
        for (String type : new String[] {"ed25519", "rsa", "ecdsa"}) {
            Path pub = keygen(type);
            String line = Files.readString(pub).strip();
            as(token).body(Map.of("public_key", line)).post("/api/keys").then().statusCode(201)
                    .body("fingerprint", equalTo(sshKeygenFingerprint(pub)))
                    .body("title", equalTo("me@" + type));
        }
        as(token).get("/api/keys").then().statusCode(200)
                .body("type", equalTo(java.util.List.of("ssh-ed25519", "ssh-rsa", "ecdsa-sha2-nistp256")));
        int id = as(token).get("/api/keys").then().extract().path("[0].id");
        as(token).delete("/api/keys/" + id).then().statusCode(204);
        as(token).get("/api/keys").then().body("size()", equalTo(2));
    }

    @Test
    void aKeyBelongsToOneTenantOnly() throws Exception {
        String line = Files.readString(keygen("ed25519")).strip();
        as(token).body(Map.of("public_key", line, "title", "laptop")).post("/api/keys").then().statusCode(201)
                .body("title", equalTo("laptop"));
        as(token).body(Map.of("public_key", line)).post("/api/keys").then().statusCode(409)
                .body("detail", containsString("already added"));
        String other = newTenant(uniqueName("t"));
        as(other).body(Map.of("public_key", line)).post("/api/keys").then().statusCode(409)
                .body("detail", containsString("one tenant only"));
        int id = as(token).get("/api/keys").then().extract().path("[0].id");
        as(other).delete("/api/keys/" + id).then().statusCode(404);
    }

    @Test
    void privateKeysAndGarbageAreRefused() throws Exception {
        Path pub = keygen("ed25519");
        String privateKey = Files.readString(Path.of(pub.toString().replace(".pub", "")));
        as(token).body(Map.of("public_key", privateKey)).post("/api/keys").then().statusCode(422)
                .body("detail", containsString("never the private key"));
        as(token).body(Map.of("public_key", "ssh-ed25519 not*base64")).post("/api/keys").then().statusCode(422);
        String line = Files.readString(pub).strip();
        as(token).body(Map.of("public_key", line.replace("ssh-ed25519", "ssh-rsa"))).post("/api/keys")
                .then().statusCode(422).body("detail", containsString("its data is a ssh-ed25519 key"));
        as(token).body(Map.of()).post("/api/keys").then().statusCode(422);
        asAdmin().body(Map.of("public_key", line)).post("/api/keys").then().statusCode(403);
    }

    private Path keygen(String type) throws Exception {
        Path key = dir.resolve("id_" + type);
        run("ssh-keygen", "-q", "-t", type, "-N", "", "-C", "me@" + type, "-f", key.toString());
        return Path.of(key + ".pub");
    }

    private static String sshKeygenFingerprint(Path pub) throws Exception {
        // "256 SHA256:abc… me@ed25519 (ED25519)"
        return run("ssh-keygen", "-l", "-E", "sha256", "-f", pub.toString()).split("\\s+")[1];
    }

    private static String run(String... command) throws Exception {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (java.io.IOException e) {
            assumeTrue(false, "SKIPPED: ssh-keygen is not installed (apt-get install openssh-client)");
            throw e;
        }
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError(String.join(" ", command) + " failed: " + out);
        }
        return out;
    }
}
