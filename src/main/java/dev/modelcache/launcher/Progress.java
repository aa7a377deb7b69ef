package dev.modelcache.launcher;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;

/**
 * The progress of an export or import: on a terminal (or with {@code --progress}) one line, rewritten in place with
 * {@code \r} at most every {@value #REDRAW_MILLIS} ms, with the entries done, their bytes and the rate; otherwise
 * nothing until the summary, so a pipe or a CI log gets no carriage returns. Counts on {@code clock}.
 */
final class Progress {
    static final long REDRAW_MILLIS = 250;

    private final String doing;
    private final PrintStream out;
    private final boolean live;
    private final Clock clock;
    private final long startMillis;
    private long entries;
    private long bytes;
    private long drawnAtMillis = Long.MIN_VALUE;
    private int drawnLength;

    /** {@code doing} names the work on the live line ({@code exporting}); {@code live} shows it. */
    Progress(String doing, PrintStream out, boolean live, Clock clock) {
        this.doing = doing;
        this.out = out;
        this.live = live;
        this.clock = clock;
        this.startMillis = clock.millis();
    }

    /** Whether to show progress: asked for with {@code --progress}, or the output is a terminal. */
    static boolean live(boolean asked, boolean terminal) {
        return asked || terminal;
    }

    /** One entry of {@code entryBytes} done. */
    synchronized void entry(long entryBytes) {
        entries++;
        bytes += entryBytes;
        long now = clock.millis();
        if (live && (drawnAtMillis == Long.MIN_VALUE || now - drawnAtMillis >= REDRAW_MILLIS)) {
            drawnAtMillis = now;
            String line = doing + ": " + entries + " entries, " + size(bytes) + ", " + rate(now) + " entries/s";
            out.print("\r" + line + " ".repeat(Math.max(0, drawnLength - line.length())));
            out.flush();
            drawnLength = line.length();
        }
    }

    /** Clears the live line, so that the summary printed next stands alone on its line. */
    synchronized void finish() {
        if (drawnLength > 0) {
            out.print("\r" + " ".repeat(drawnLength) + "\r");
            out.flush();
            drawnLength = 0;
        }
    }

    /** The summary's tail: {@code 1.2 MB in 3.4 s}. */
    synchronized String totals() {
        return size(bytes) + " in " + String.format(Locale.ROOT, "%.1f s", elapsed().toMillis() / 1000.0);
    }

    synchronized long entries() {
        return entries;
    }

    Duration elapsed() {
        return Duration.ofMillis(Math.max(0, clock.millis() - startMillis));
    }

    private String rate(long now) {
        long millis = now - startMillis;
        return millis <= 0 ? "-" : String.format(Locale.ROOT, "%.0f", entries * 1000.0 / millis);
    }

    static String size(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String units = "KMGT";
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < units.length() - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %siB", value, units.charAt(unit));
    }
}
