package dev.gantry.build.buildpack;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads the part of {@code bin/release}'s YAML Gantry uses: the {@code default_process_types} mapping of
 * plain or quoted scalars, the only form buildpacks print in practice. {@code config_vars} and
 * {@code addons} are ignored, as on Heroku's current stacks.
 */
public final class ReleaseYaml {

    private ReleaseYaml() {
    }

    public static Map<String, String> defaultProcessTypes(String yaml) {
        Map<String, String> out = new LinkedHashMap<>();
        boolean in = false;
        int indent = -1;
        for (String line : yaml.split("\\R")) {
            if (line.isBlank() || line.strip().startsWith("#") || line.strip().equals("---")) {
                continue;
            }
            int lead = line.length() - line.stripLeading().length();
            String t = line.strip();
            if (lead == 0) {
                in = t.startsWith("default_process_types:");
                indent = -1;
                if (in) {
                    String rest = t.substring("default_process_types:".length()).strip();
                    if (rest.startsWith("{") && rest.endsWith("}") && rest.length() > 2) {
                        for (String kv : rest.substring(1, rest.length() - 1).split(",")) {
                            put(out, kv.strip());
                        }
                        in = false;
                    }
                }
                continue;
            }
            if (in) {
                if (indent < 0) {
                    indent = lead;
                }
                if (lead == indent) {
                    put(out, t);
                }
            }
        }
        return out;
    }

    private static void put(Map<String, String> out, String kv) {
        int c = kv.indexOf(':');
        if (c <= 0) {
            return;
        }
        String k = unquote(kv.substring(0, c).strip());
        String v = unquote(kv.substring(c + 1).strip());
        if (!k.isEmpty() && !v.isEmpty()) {
            out.put(k, v);
        }
    }

    private static String unquote(String s) {
        if (s.length() >= 2 && ((s.startsWith("\"") && s.endsWith("\"")))) {
            return s.substring(1, s.length() - 1).replace("\\\"", "\"").replace("\\\\", "\\");
        }
        if (s.length() >= 2 && s.startsWith("'") && s.endsWith("'")) {
            return s.substring(1, s.length() - 1).replace("''", "'");
        }
        return s;
    }
}
