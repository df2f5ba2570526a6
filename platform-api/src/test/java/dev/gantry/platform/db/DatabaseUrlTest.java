package dev.gantry.platform.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DatabaseUrlTest {

    @Test
    void libpqUrlsBecomeJdbcWithCredentials() {
        DatabaseUrl url = DatabaseUrl.parse("postgresql://gantry:s%40cret@db.internal:5433/paas?sslmode=require");
        assertEquals("jdbc:postgresql://db.internal:5433/paas?sslmode=require", url.jdbcUrl());
        assertEquals("gantry", url.user());
        assertEquals("s@cret", url.password());
    }

    @Test
    void herokuStyleSchemeAndDefaultsWork() {
        DatabaseUrl url = DatabaseUrl.parse("postgres://localhost");
        assertEquals("jdbc:postgresql://localhost/postgres", url.jdbcUrl());
        assertNull(url.user());
    }

    @Test
    void jdbcUrlsPassThrough() {
        DatabaseUrl url = DatabaseUrl.parse("jdbc:postgresql://h:5432/db?user=u&password=p");
        assertEquals("jdbc:postgresql://h:5432/db?user=u&password=p", url.jdbcUrl());
    }

    @Test
    void otherUrlsAreRefusedWithoutPrintingThePassword() {
        DatabaseException e = assertThrows(DatabaseException.class,
                () -> DatabaseUrl.parse("mysql://root:hunter2@localhost/db"));
        assertTrue(e.getMessage().contains("postgresql://"), e.getMessage());
        assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
    }

    @Test
    void toStringHidesThePassword() {
        assertFalse(DatabaseUrl.parse("postgresql://u:hunter2@h/db").toString().contains("hunter2"));
    }
}
