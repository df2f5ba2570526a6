package dev.gantry.build;

import dev.gantry.build.buildpack.Buildpack;
import dev.gantry.build.buildpack.ReleaseYaml;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Every buildpack step of a build in one exec into the build container (each exec costs tens of ms, and a
 * build would otherwise need one per detect, compile and release): a shell script runs the detects (stopping at
 * the first yes, or requiring all when buildpacks were chosen explicitly), then each chosen buildpack's
 * compile with the previous ones' {@code export} files sourced, then each release. It reports the boundaries
 * with marker lines carrying a random per-build nonce, so no buildpack output can fake one; this class parses
 * them as the lines arrive, streaming compile output to the build log and keeping the rest.
 */
final class Pipeline {

    static final String SCRIPT = """
            m=$1; n=$2; first=$3
            sel=; i=0
            while [ $i -lt $n ]; do
              out=$(/buildpacks/$i/bin/detect /app 2>&1); rc=$?
              printf '%s detect %s %s\\n' "$m" $i $rc
              [ -n "$out" ] && printf '%s\\n' "$out" | head -n 5
              if [ $rc -eq 0 ]; then sel="$sel $i"; [ "$first" = 1 ] && break
              elif [ "$first" = 0 ]; then printf '%s end\\n' "$m"; exit 0; fi
              i=$((i+1))
            done
            [ -z "$sel" ] && { printf '%s end\\n' "$m"; exit 0; }
            prev=
            for i in $sel; do
              printf '%s compile %s\\n' "$m" $i
              ( for j in $prev; do [ -f /buildpacks/$j/export ] && . /buildpacks/$j/export; done
                exec /buildpacks/$i/bin/compile /app /cache /env </dev/null ) 2>&1
              rc=$?
              printf '%s compiled %s %s\\n' "$m" $i $rc
              [ $rc -ne 0 ] && { printf '%s end\\n' "$m"; exit 0; }
              prev="$prev $i"
            done
            for i in $sel; do
              if [ -e /buildpacks/$i/bin/release ]; then out=$(/buildpacks/$i/bin/release /app 2>/dev/null); rc=$?
              else out=; rc=0; fi
              printf '%s release %s %s\\n' "$m" $i $rc
              printf '%s\\n' "$out"
            done
            printf '%s end\\n' "$m"
            """;

    private static final int KEEP_LINES = 20;

    private final List<Buildpack> buildpacks;
    private final boolean explicit;
    private final Consumer<String> log;
    private final String marker = "@@gantry-" + UUID.randomUUID().toString().replace("-", "");

    private String state = "none";
    private int current = -1;
    private boolean detectionPrinted;
    private boolean ended;
    private final Map<Integer, Integer> detectRc = new LinkedHashMap<>();
    private final Map<Integer, List<String>> detectOut = new LinkedHashMap<>();
    private final List<Integer> selected = new ArrayList<>();
    private final ArrayDeque<String> compileTail = new ArrayDeque<>();
    private int compileRc = 0;
    private int failedCompile = -1;
    private int failedRelease = -1;
    private int releaseRc = 0;
    private final StringBuilder yaml = new StringBuilder();
    private final Map<String, String> processTypes = new LinkedHashMap<>();

    Pipeline(List<Buildpack> buildpacks, boolean explicit, Consumer<String> log) {
        this.buildpacks = buildpacks;
        this.explicit = explicit;
        this.log = log;
    }

    List<String> args() {
        return List.of("/bin/sh", "-c", SCRIPT, "sh", marker, Integer.toString(buildpacks.size()), explicit ? "0" : "1");
    }

    /** Runs the script; returns the names (detect output) of the buildpacks that ran, in order. */
    List<String> run(BuildContainer c) {
        BuildContainer.StepResult r = c.run(args(), this::line, 0);
        flushRelease();
        Builder.checkLimits(c, r, state.equals("compile") ? "compile" : state, List.copyOf(compileTail));
        if (!ended) {
            throw new BuildFailedException(BuildErrorCode.COMPILE_FAILED, "the build stopped unexpectedly during " + state
                    + " (exit " + r.exitCode() + ")", r.exitCode(), List.copyOf(compileTail));
        }
        printDetection();
        if (selected.isEmpty() || (explicit && selected.size() < buildpacks.size())) {
            noDetect();
        }
        if (failedCompile >= 0 && r.oomKilled()) {
            log.accept(" !     Build killed: out of memory (the build's memory limit)");
            throw new BuildFailedException(BuildErrorCode.OOM, "build killed: bin/compile of "
                    + buildpacks.get(failedCompile).source() + " ran out of the build's memory limit (exit " + compileRc + ")",
                    compileRc, List.copyOf(compileTail));
        }
        if (failedCompile >= 0) {
            String name = name(failedCompile);
            log.accept(" !     Push rejected, failed to compile " + name + " app (exit " + compileRc + ")");
            throw new BuildFailedException(BuildErrorCode.COMPILE_FAILED, "bin/compile of " + buildpacks.get(failedCompile).source()
                    + " failed with exit code " + compileRc + "; last lines:\n" + String.join("\n", compileTail),
                    compileRc, List.copyOf(compileTail));
        }
        if (failedRelease >= 0) {
            throw new BuildFailedException(BuildErrorCode.RELEASE_FAILED, "bin/release of "
                    + buildpacks.get(failedRelease).source() + " failed with exit code " + releaseRc, releaseRc, List.of());
        }
        return selected.stream().map(this::name).toList();
    }

    Map<String, String> processTypes() {
        return processTypes;
    }

    private String name(int i) {
        List<String> out = detectOut.getOrDefault(i, List.of());
        return out.isEmpty() || out.get(0).isBlank() ? buildpacks.get(i).source() : out.get(0).strip();
    }

    private void line(String raw) {
        int at = raw.indexOf(marker);
        if (at < 0) {
            content(raw);
            return;
        }
        if (at > 0) {
            content(raw.substring(0, at)); // output without a final newline, then the marker
        }
        String[] f = raw.substring(at + marker.length()).strip().split(" ");
        switch (f[0]) {
            case "detect" -> {
                state = "detect";
                current = Integer.parseInt(f[1]);
                detectRc.put(current, Integer.parseInt(f[2]));
                detectOut.put(current, new ArrayList<>());
                if (detectRc.get(current) == 0) {
                    selected.add(current);
                }
            }
            case "compile" -> {
                printDetection();
                state = "compile";
                current = Integer.parseInt(f[1]);
                compileTail.clear();
            }
            case "compiled" -> {
                compileRc = Integer.parseInt(f[2]);
                if (compileRc != 0) {
                    failedCompile = current;
                }
                state = "compiled";
            }
            case "release" -> {
                flushRelease();
                state = "release";
                current = Integer.parseInt(f[1]);
                int rc = Integer.parseInt(f[2]);
                if (rc != 0 && failedRelease < 0) {
                    failedRelease = current;
                    releaseRc = rc;
                }
            }
            case "end" -> {
                flushRelease();
                ended = true;
                state = "end";
            }
            default -> content(raw);
        }
    }

    private void content(String line) {
        switch (state) {
            case "detect" -> {
                List<String> out = detectOut.get(current);
                if (out.size() < 5) {
                    out.add(line);
                }
            }
            case "compile" -> {
                log.accept(line);
                compileTail.addLast(line);
                if (compileTail.size() > KEEP_LINES) {
                    compileTail.removeFirst();
                }
            }
            case "release" -> yaml.append(line).append('\n');
            default -> log.accept(line);
        }
    }

    private void flushRelease() {
        if (state.equals("release")) {
            processTypes.putAll(ReleaseYaml.defaultProcessTypes(yaml.toString()));
            yaml.setLength(0);
        }
    }

    /** The detection answers and their reasons, once, before compile output (or the failure). */
    private void printDetection() {
        if (detectionPrinted) {
            return;
        }
        detectionPrinted = true;
        if (explicit) {
            return;
        }
        for (var e : detectRc.entrySet()) {
            String source = buildpacks.get(e.getKey()).source();
            String out = String.join(" ", detectOut.get(e.getKey())).strip();
            if (e.getValue() == 0) {
                log.accept("       " + source + ": yes (" + name(e.getKey()) + ")");
            } else {
                log.accept("       " + source + ": no" + (out.isEmpty() ? "" : " (" + out + ")"));
            }
        }
    }

    private void noDetect() {
        if (explicit) {
            for (var e : detectRc.entrySet()) {
                if (e.getValue() != 0) {
                    String out = String.join(" ", detectOut.get(e.getKey())).strip();
                    throw new BuildFailedException(BuildErrorCode.NO_DETECT, "buildpack " + buildpacks.get(e.getKey()).source()
                            + " does not detect this app (its bin/detect exited " + e.getValue()
                            + (out.isEmpty() ? "" : ": " + out) + ")", e.getValue(), detectOut.get(e.getKey()));
                }
            }
        }
        List<String> why = new ArrayList<>();
        for (var e : detectRc.entrySet()) {
            String out = String.join(" ", detectOut.get(e.getKey())).strip();
            why.add(buildpacks.get(e.getKey()).source() + ": " + (out.isEmpty() ? "no" : out));
        }
        log.accept(" !     No buildpack detected this app.");
        throw new BuildFailedException(BuildErrorCode.NO_DETECT, "no buildpack detected this app; looked for: "
                + String.join("; ", why) + ". Add a Procfile, or set BUILDPACK_URL or a .buildpacks file.", -1, List.of());
    }
}
