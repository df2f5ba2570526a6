package dev.gantry.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class AfterCommitTest {

    @Inject
    AfterCommit afterCommit;

    @Test
    void actionsRunAfterTheCommitInOrder() {
        List<String> done = new CopyOnWriteArrayList<>();
        QuarkusTransaction.requiringNew().run(() -> {
            afterCommit.run(() -> done.add("first"));
            afterCommit.run(() -> done.add("second"));
            assertEquals(List.of(), done, "nothing runs before the commit");
        });
        assertEquals(List.of("first", "second"), done);
    }

    @Test
    void actionsNeverRunWhenTheTransactionRollsBack() {
        List<String> done = new CopyOnWriteArrayList<>();
        assertThrows(IllegalStateException.class, () -> QuarkusTransaction.requiringNew().run(() -> {
            afterCommit.run(() -> done.add("should not happen"));
            throw new IllegalStateException("the change fails");
        }));
        assertEquals(List.of(), done);
    }
}
