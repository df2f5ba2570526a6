package dev.gantry.platform.quota;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.gantry.platform.api.ApiException;

/**
 * How people write amounts of memory and CPU, and how Gantry stores them: memory in megabytes ("512M", "2G";
 * plain numbers are megabytes), CPU in thousandths of a core ({@code 0.25} is 250 millicpus, as in Kubernetes).
 */
public final class Resources {

    private static final Pattern MEMORY = Pattern.compile("(\\d+)\\s*(M|MB|MI|MIB|G|GB|GI|GIB)?");
    /** Below this an app's runtime cannot even start; above it the number is surely a typo. */
    private static final int MIN_MEMORY_MB = 16;
    private static final int MAX_MEMORY_MB = 1024 * 1024;

    private Resources() {
    }

    /** Parses "512M", "2G" or "300" (megabytes) into megabytes, or refuses with a 422 naming {@code field}. */
    public static int parseMemoryMb(String field, String value) {
        if (value == null || value.isBlank()) {
            throw ApiException.invalid(field + " needs an amount of memory such as \"512M\" or \"2G\".");
        }
        Matcher m = MEMORY.matcher(value.strip().toUpperCase(Locale.ROOT));
        if (!m.matches()) {
            throw ApiException.invalid("'" + value + "' is not an amount of memory for " + field
                    + ": write it like \"512M\" or \"2G\".");
        }
        long amount = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "M" : m.group(2);
        long mb = unit.startsWith("G") ? amount * 1024 : amount;
        if (mb < MIN_MEMORY_MB || mb > MAX_MEMORY_MB) {
            throw ApiException.invalid(field + " must be between " + MIN_MEMORY_MB + "M and " + formatMemory(MAX_MEMORY_MB)
                    + ", not " + value + ".");
        }
        return (int) mb;
    }

    /** 512 → "512M", 2048 → "2G": the shortest exact spelling. */
    public static String formatMemory(int mb) {
        return mb != 0 && mb % 1024 == 0 ? (mb / 1024) + "G" : mb + "M";
    }

    /** Parses a number of cores ({@code 0.5}, {@code 2}) into millicpus; at least one millicpu. */
    public static int parseMillicpus(String field, BigDecimal cpus) {
        if (cpus == null || cpus.signum() <= 0 || cpus.compareTo(BigDecimal.valueOf(1024)) > 0) {
            throw ApiException.invalid(field + " must be a number of CPU cores above 0, such as 0.5 or 2.");
        }
        int milli = cpus.movePointRight(3).setScale(0, RoundingMode.HALF_UP).intValueExact();
        return Math.max(milli, 1);
    }

    public static BigDecimal formatCpus(int millicpus) {
        return BigDecimal.valueOf(millicpus).movePointLeft(3).stripTrailingZeros();
    }
}
