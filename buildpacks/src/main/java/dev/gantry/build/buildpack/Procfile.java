package dev.gantry.build.buildpack;

import dev.gantry.build.BuildErrorCode;
import dev.gantry.build.BuildException;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Heroku's Procfile: one {@code type: command} per line. Types are letters, digits, {@code _} and {@code -};
 * blank lines and lines starting with {@code #} are ignored; the command is kept verbatim for {@code bash -c}.
 */
public final class Procfile {

    private static final Pattern LINE = Pattern.compile("^([A-Za-z0-9_-]+):\\s*(.+?)\\s*$");

    private Procfile() {
    }

    public static Map<String, String> parse(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        int n = 0;
        for (String line : text.split("\\R")) {
            n++;
            String t = line.strip();
            if (t.isEmpty() || t.startsWith("#")) {
                continue;
            }
            Matcher m = LINE.matcher(t);
            if (!m.matches()) {
                throw new BuildException(BuildErrorCode.INVALID, "Procfile line " + n + " is not 'type: command': " + t);
            }
            out.put(m.group(1), m.group(2));
        }
        return out;
    }
}
