package dev.gantry.engine.spec;

import java.util.List;

/** {@code process}: what runs in the container and with which privileges. */
public record ProcessSpec(
        Boolean terminal,
        UserSpec user,
        List<String> args,
        List<String> env,
        String cwd,
        CapabilitiesSpec capabilities,
        List<RlimitSpec> rlimits,
        Boolean noNewPrivileges,
        Integer oomScoreAdj) {

    public ProcessSpec {
        args = args == null ? List.of() : List.copyOf(args);
        env = env == null ? List.of() : List.copyOf(env);
        rlimits = rlimits == null ? List.of() : List.copyOf(rlimits);
        user = user == null ? new UserSpec(0L, 0L, null, null) : user;
    }

    public ProcessSpec withArgs(List<String> newArgs) {
        return new ProcessSpec(terminal, user, newArgs, env, cwd, capabilities, rlimits, noNewPrivileges, oomScoreAdj);
    }

    public ProcessSpec withUser(UserSpec u) {
        return new ProcessSpec(terminal, u, args, env, cwd, capabilities, rlimits, noNewPrivileges, oomScoreAdj);
    }

    public ProcessSpec withCapabilities(CapabilitiesSpec c) {
        return new ProcessSpec(terminal, user, args, env, cwd, c, rlimits, noNewPrivileges, oomScoreAdj);
    }

    public ProcessSpec withRlimits(List<RlimitSpec> r) {
        return new ProcessSpec(terminal, user, args, env, cwd, capabilities, r, noNewPrivileges, oomScoreAdj);
    }
}
