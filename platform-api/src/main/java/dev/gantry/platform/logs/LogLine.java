package dev.gantry.platform.logs;

import java.time.Instant;

/**
 * One line of an app's log stream. {@code seq} orders the whole stream of one app; {@code source} says where it
 * came from ({@code app}, {@code build}, {@code router}, {@code gantry}); {@code instance} names the process
 * (e.g. {@code web.1}) or is empty.
 */
public record LogLine(long seq, Instant at, String source, String instance, String text) {

    /** One line of the file format: tab-separated, the text last so it may itself contain tabs. */
    String encode() {
        return seq + "\t" + at + "\t" + source + "\t" + instance + "\t" + text + "\n";
    }

    static LogLine decode(String line) {
        String[] f = line.split("\t", 5);
        if (f.length < 5) {
            throw new IllegalArgumentException("not a log line: " + line);
        }
        return new LogLine(Long.parseLong(f[0]), Instant.parse(f[1]), f[2], f[3], f[4]);
    }
}
