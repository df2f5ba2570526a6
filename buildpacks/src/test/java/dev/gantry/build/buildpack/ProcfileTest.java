package dev.gantry.build.buildpack;

import dev.gantry.build.BuildException;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ProcfileTest {

    @Test
    void parsesTypesCommentsAndShellSyntax() {
        Map<String, String> p = Procfile.parse("""
                # comment
                web: bundle exec puma -p $PORT   

                worker: celery -A app worker # trailing comment stays for bash
                release_phase-2: ./migrate && echo ok
                """);
        assertEquals(Map.of("web", "bundle exec puma -p $PORT", "worker", "celery -A app worker # trailing comment stays for bash",
                "release_phase-2", "./migrate && echo ok"), p);
    }

    @Test
    void badLineNamesItsNumber() {
        BuildException e = assertThrows(BuildException.class, () -> Procfile.parse("web: ok\nnot a process line\n"));
        assertEquals(true, e.getMessage().contains("line 2"));
    }

    @Test
    void releaseYamlDefaultProcessTypes() {
        assertEquals(Map.of("web", "npm start", "worker", "node w.js --x: y"), ReleaseYaml.defaultProcessTypes("""
                ---
                addons: []
                config_vars:
                  FOO: bar
                default_process_types:
                  web: npm start
                  worker: "node w.js --x: y"
                """));
        assertEquals(Map.of("web", "x"), ReleaseYaml.defaultProcessTypes("default_process_types: {web: x}"));
        assertEquals(Map.of(), ReleaseYaml.defaultProcessTypes("--- {}"));
    }
}
