package dev.gantry.platform.quota;

import java.math.BigDecimal;
import java.util.Iterator;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.platform.api.ApiException;

/**
 * The body of {@code PATCH /api/tenants/{t}/quota}: {@code {"memory": "2G", "instances": 10, "cpus": 2}}.
 * Fields left out keep their value; a field set to {@code null} becomes unlimited.
 */
public final class QuotaChange {

    private static final Set<String> FIELDS = Set.of("memory", "instances", "cpus");

    private QuotaChange() {
    }

    public static Quota apply(Quota current, JsonNode body) {
        if (body == null || !body.isObject() || body.isEmpty()) {
            throw ApiException.badRequest("Send the limits to change, e.g. {\"memory\": \"2G\", \"instances\": 10, "
                    + "\"cpus\": 2}; null makes a limit unlimited.");
        }
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                throw ApiException.invalid("'" + name + "' is not a quota; the quotas are memory, instances and cpus.");
            }
        }
        Integer memory = current.memoryMb();
        Integer instances = current.instances();
        Integer millicpus = current.millicpus();
        if (body.has("memory")) {
            JsonNode v = body.get("memory");
            memory = v.isNull() ? null : Resources.parseMemoryMb("the memory quota", v.isTextual() ? v.asText() : v.toString());
        }
        if (body.has("instances")) {
            JsonNode v = body.get("instances");
            if (!v.isNull() && (!v.canConvertToInt() || !v.isIntegralNumber() || v.asInt() < 0)) {
                throw ApiException.invalid("The instances quota must be a whole number of 0 or more, not " + v + ".");
            }
            instances = v.isNull() ? null : v.asInt();
        }
        if (body.has("cpus")) {
            JsonNode v = body.get("cpus");
            if (!v.isNull() && !v.isNumber()) {
                throw ApiException.invalid("The cpus quota must be a number of cores, such as 2 or 0.5, not " + v + ".");
            }
            millicpus = v.isNull() ? null : Resources.parseMillicpus("the cpus quota", new BigDecimal(v.asText()));
        }
        return new Quota(memory, instances, millicpus);
    }
}
