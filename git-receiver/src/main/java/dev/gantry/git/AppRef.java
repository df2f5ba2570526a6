package dev.gantry.git;

import java.util.regex.Pattern;

/**
 * One app of one tenant, as named in a git URL ({@code /git/<tenant>/<app>.git}). Both names are DNS
 * labels, checked here so that no transport can hand a path-like name to the rest of the system.
 */
public record AppRef(String tenant, String app) {

    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

    public AppRef {
        requireLabel("tenant", tenant);
        requireLabel("app", app);
    }

    /** True when {@code name} is a DNS label (lower case letters, digits, inner hyphens, at most 63). */
    public static boolean isLabel(String name) {
        return name != null && DNS_LABEL.matcher(name).matches();
    }

    private static void requireLabel(String what, String name) {
        if (!isLabel(name)) {
            throw new GitReceiveException(GitReceiveException.Code.BAD_REQUEST,
                    "invalid " + what + " name '" + name + "': names are DNS labels (a-z, 0-9, '-')");
        }
    }

    @Override
    public String toString() {
        return tenant + "/" + app;
    }
}
