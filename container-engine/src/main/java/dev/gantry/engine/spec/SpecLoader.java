package dev.gantry.engine.spec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.gantry.engine.EngineException;
import dev.gantry.engine.ErrorCode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.stream.Collectors;

/** Reads {@code config.json} from a bundle and validates it, naming the offending field. */
public final class SpecLoader {

    /** Unknown fields are ignored: the OCI spec requires runtimes to tolerate extensions. */
    public static final ObjectMapper JSON = new ObjectMapper()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .setSerializationInclusion(JsonInclude.Include.NON_NULL)
            .enable(SerializationFeature.INDENT_OUTPUT);

    private SpecLoader() {
    }

    public static RuntimeSpec load(Path bundle) {
        Path config = bundle.resolve("config.json");
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(config);
        } catch (NoSuchFileException e) {
            throw new EngineException(ErrorCode.INVALID_SPEC, "bundle " + bundle + " has no config.json");
        } catch (IOException e) {
            throw new EngineException(ErrorCode.IO, "read " + config + ": " + e.getMessage(), e);
        }
        RuntimeSpec spec = parse(bytes, config.toString());
        SpecValidator.validate(spec, bundle);
        return spec;
    }

    public static RuntimeSpec parse(byte[] json, String origin) {
        try {
            RuntimeSpec spec = JSON.readValue(json, RuntimeSpec.class);
            if (spec == null) {
                throw new EngineException(ErrorCode.INVALID_SPEC, origin + ": empty document");
            }
            return spec;
        } catch (JsonMappingException e) {
            String field = e.getPath().stream()
                    .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                    .collect(Collectors.joining(".")).replace(".[", "[");
            throw new EngineException(ErrorCode.INVALID_SPEC,
                    origin + ": field " + (field.isEmpty() ? "(root)" : field) + ": " + e.getOriginalMessage(), e);
        } catch (JsonProcessingException e) {
            throw new EngineException(ErrorCode.INVALID_SPEC, origin + ": not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new EngineException(ErrorCode.IO, origin + ": " + e.getMessage(), e);
        }
    }

    public static void write(RuntimeSpec spec, Path file) {
        try {
            JSON.writeValue(file.toFile(), spec);
        } catch (IOException e) {
            throw new EngineException(ErrorCode.IO, "write " + file + ": " + e.getMessage(), e);
        }
    }
}
