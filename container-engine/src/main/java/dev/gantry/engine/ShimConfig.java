package dev.gantry.engine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writer for the shim's private config format: one directive per line, TAB between fields,
 * backslash escapes for TAB, newline and backslash (parsed by src/main/c/conf.c).
 */
final class ShimConfig {

    private final StringBuilder sb = new StringBuilder();

    ShimConfig add(String key, Object... fields) {
        sb.append(key);
        for (Object f : fields) {
            sb.append('\t').append(escape(String.valueOf(f)));
        }
        sb.append('\n');
        return this;
    }

    void writeTo(Path file) {
        try {
            Files.writeString(file, sb, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new EngineException(ErrorCode.IO, "write " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return sb.toString();
    }

    private static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n");
    }
}
