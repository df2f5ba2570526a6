package dev.gantry.platform.logs;

/** Which lines a reader wants: a source and/or an instance; null matches everything. */
public record LogFilter(String source, String instance) {

    public static final LogFilter ALL = new LogFilter(null, null);

    public boolean matches(LogLine line) {
        return (source == null || source.equals(line.source())) && (instance == null || instance.equals(line.instance()));
    }
}
