package dev.gantry.platform.auth;

import static dev.gantry.platform.ApiClient.as;
import static dev.gantry.platform.ApiClient.asAdmin;
import static dev.gantry.platform.ApiClient.newTenant;
import static dev.gantry.platform.ApiClient.uniqueName;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import dev.gantry.platform.PostgresTestResource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class TokenApiTest {

    @Test
    void aSecondTokenActsForTheSameTenant() {
        String first = newTenant(uniqueName("t"));
        as(first).body(Map.of("name", "web")).post("/api/apps").then().statusCode(201);

        String second = as(first).body(Map.of("description", "ci deploys")).post("/api/tokens")
                .then().statusCode(201)
                .body("token", startsWith("gantry_"))
                .body("description", equalTo("ci deploys"))
                .extract().path("token");

        as(second).get("/api/apps").then().statusCode(200).body("name", equalTo(List.of("web")));
        as(second).get("/api/tokens").then().statusCode(200)
                .body("size()", equalTo(2))
                .body("$", everyItem(not(hasKey("token"))))
                .body("hint", everyItem(startsWith("gantry_")));
    }

    @Test
    void tokensAreStoredHashedNeverInPlain() {
        String token = newTenant(uniqueName("t"));
        List<Object[]> rows = QuarkusTransaction.requiringNew().call(() -> ApiToken.getEntityManager()
                .createNativeQuery("SELECT token_hash, hint, coalesce(description, '') FROM api_token")
                .getResultList());
        assertFalse(rows.isEmpty());
        boolean found = false;
        for (Object[] row : rows) {
            for (Object column : row) {
                assertFalse(column.toString().contains(token.substring(Tokens.PREFIX.length())),
                        "a stored column contains the secret part of a token");
            }
            found |= row[0].equals(Tokens.hash(token));
        }
        assertTrue(found, "the token's SHA-256 is stored");
        assertEquals(64, Tokens.hash(token).length());
    }

    @Test
    void aRevokedTokenStopsWorkingAndOthersKeepWorking() {
        String first = newTenant(uniqueName("t"));
        var created = as(first).post("/api/tokens").then().statusCode(201).extract();
        String second = created.path("token");
        int secondId = created.path("id");

        as(first).delete("/api/tokens/" + secondId).then().statusCode(204);

        as(second).get("/api/apps").then().statusCode(401);
        as(first).get("/api/apps").then().statusCode(200);
    }

    @Test
    void aTenantCannotRevokeAnotherTenantsToken() {
        String a = newTenant(uniqueName("a"));
        String b = newTenant(uniqueName("b"));
        int bTokenId = as(b).post("/api/tokens").then().statusCode(201).extract().path("id");
        as(a).delete("/api/tokens/" + bTokenId).then().statusCode(404);
        as(b).get("/api/tokens").then().body("id", org.hamcrest.Matchers.hasItem(bTokenId));
    }

    @Test
    void theAdminMakesAdminTokensButCannotRevokeTheLastOne() {
        String extra = asAdmin().post("/api/tokens").then().statusCode(201).extract().path("token");
        as(extra).get("/api/tenants").then().statusCode(200);
        int extraId = as(extra).get("/api/tokens").then().extract()
                .path("find { it.hint == '" + Tokens.hint(extra) + "' }.id");
        as(extra).delete("/api/tokens/" + extraId).then().statusCode(204);
        as(extra).get("/api/tenants").then().statusCode(401);

        List<Integer> ids = asAdmin().get("/api/tokens").then().extract().path("id");
        assertEquals(1, ids.size());
        asAdmin().delete("/api/tokens/" + ids.get(0)).then().statusCode(409)
                .body("detail", containsString("last admin token"));
    }
}
