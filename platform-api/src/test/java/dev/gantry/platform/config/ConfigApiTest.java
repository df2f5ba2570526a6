package dev.gantry.platform.config;

import static dev.gantry.platform.ApiClient.as;
import static dev.gantry.platform.ApiClient.newTenant;
import static dev.gantry.platform.ApiClient.newTenantWithApp;
import static dev.gantry.platform.ApiClient.uniqueName;
import static org.hamcrest.Matchers.anEmptyMap;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.gantry.platform.GantryConfig;
import dev.gantry.platform.PostgresTestResource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class ConfigApiTest {

    @Inject
    GantryConfig config;

    @Inject
    ConfigCipher cipher;

    private String token;

    @BeforeEach
    void appOfANewTenant() {
        token = newTenantWithApp("shop");
    }

    @Test
    void setAndUnsetSeveralAtOnce() {
        as(token).get("/api/apps/shop/config").then().statusCode(200).body("$", anEmptyMap());
        as(token).body(Map.of("DATABASE_URL", "postgres://db/shop", "FEATURE_X", "on", "EMPTY", ""))
                .patch("/api/apps/shop/config").then().statusCode(200)
                .body("DATABASE_URL", equalTo("postgres://db/shop"))
                .body("FEATURE_X", equalTo("on"))
                .body("EMPTY", equalTo(""));

        Map<String, Object> change = new HashMap<>();
        change.put("FEATURE_X", null);
        change.put("DATABASE_URL", "postgres://db2/shop");
        as(token).body(change).patch("/api/apps/shop/config").then().statusCode(200)
                .body("$", not(hasKey("FEATURE_X")))
                .body("DATABASE_URL", equalTo("postgres://db2/shop"));
        as(token).get("/api/apps/shop/config").then()
                .body("size()", equalTo(2)).body("DATABASE_URL", equalTo("postgres://db2/shop"));
    }

    @Test
    void valuesAreEncryptedAtRestWithAKeyOutsideTheDatabase() throws Exception {
        String secret = "s3cret-" + uniqueName("v");
        as(token).body(Map.of("API_KEY", secret)).patch("/api/apps/shop/config").then().statusCode(200);

        List<byte[]> stored = QuarkusTransaction.requiringNew().call(() -> ConfigVar.getEntityManager()
                .createQuery("select v.valueSealed from ConfigVar v where v.name = 'API_KEY'", byte[].class)
                .getResultList());
        assertFalse(stored.isEmpty());
        for (byte[] sealed : stored) {
            assertFalse(new String(sealed, StandardCharsets.ISO_8859_1).contains(secret), "stored in the clear");
        }
        Path keyFile = config.dataDir().resolve("config.key");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile)));
    }

    @Test
    void aSealedValueOnlyOpensForItsOwnAppAndName() {
        byte[] sealed = cipher.seal(1, "TOKEN", "value");
        assertEquals("value", cipher.open(1, "TOKEN", sealed));
        assertThrows(ConfigKeyException.class, () -> cipher.open(2, "TOKEN", sealed));
        assertThrows(ConfigKeyException.class, () -> cipher.open(1, "OTHER", sealed));
        sealed[sealed.length - 1] ^= 1;
        assertThrows(ConfigKeyException.class, () -> cipher.open(1, "TOKEN", sealed));
    }

    @Test
    void badNamesValuesAndReservedVarsAreRefused() {
        as(token).body(Map.of("1ABC", "x")).patch("/api/apps/shop/config").then().statusCode(422)
                .body("detail", containsString("not a config var name"));
        as(token).body(Map.of("PORT", "80")).patch("/api/apps/shop/config").then().statusCode(422)
                .body("detail", containsString("set by Gantry"));
        as(token).body(Map.of("GANTRY_APP", "x")).patch("/api/apps/shop/config").then().statusCode(422);
        as(token).body(Map.of("WORKERS", 4)).patch("/api/apps/shop/config").then().statusCode(422)
                .body("detail", containsString("must be a string"));
        as(token).body(Map.of("BIG", "x".repeat(40_000))).patch("/api/apps/shop/config").then().statusCode(422)
                .body("detail", containsString("32 kB"));
        as(token).body("[]").patch("/api/apps/shop/config").then().statusCode(400);
        as(token).get("/api/apps/shop/config").then().body("$", anEmptyMap());
    }

    @Test
    void anotherTenantCannotReadOrWriteTheConfig() {
        as(token).body(Map.of("SECRET", "mine")).patch("/api/apps/shop/config").then().statusCode(200);
        String other = newTenant(uniqueName("t"));
        as(other).get("/api/apps/shop/config").then().statusCode(404);
        as(other).body(Map.of("SECRET", "theirs")).patch("/api/apps/shop/config").then().statusCode(404);
        as(token).get("/api/apps/shop/config").then().body("SECRET", equalTo("mine"));
    }
}
