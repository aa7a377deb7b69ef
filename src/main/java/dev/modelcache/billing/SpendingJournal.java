package dev.modelcache.billing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelcache.files.AtomicFile;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The budget's spending on disk, {@code <cache dir>/budget.journal}, durable at the moment of spending: one JSON line
 * per event, each forced to the disk ({@code fsync}) before the call it belongs to goes on. A call to a provider first
 * writes its reservation ({@code {"r":id,"day","caller","usd","tokens"}}: what it may cost at most), and when its
 * answer is counted its settlement ({@code {"s":id,"usd","tokens"}}: what it did cost; 0 for a call that failed).
 * One fsync per event costs about a millisecond, against the seconds a paid call takes.
 *
 * <p>On open the journal is read back and compacted: each day's spending by caller becomes one line
 * ({@code {"t":day,"caller","usd","tokens"}}), written through {@link AtomicFile}. A reservation without settlement
 * (the process was killed while its call was under way) counts as spent at its estimate: better to cap a little early
 * than to overspend. A torn last line (killed mid-write) is skipped. The cost ledger ({@code ledger.json}) stays the
 * report; this file is what the caps count.
 */
final class SpendingJournal implements AutoCloseable {
    static final String FILE_NAME = "budget.journal";
    private static final Logger LOG = System.getLogger(SpendingJournal.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final Map<LocalDate, Map<String, Spend>> replayed;
    private FileChannel out;
    private long appended;

    private SpendingJournal(Path file, Map<LocalDate, Map<String, Spend>> replayed, FileChannel out) {
        this.file = file;
        this.replayed = replayed;
        this.out = out;
    }

    /**
     * Reads the journal in {@code dir} (none: nothing spent), keeps the days from {@code keepFrom} on, and rewrites it
     * compacted. A journal that cannot be read at all is moved aside ({@code .unreadable}) and the budget starts from
     * the ledger's figures.
     */
    static SpendingJournal open(Path dir, LocalDate keepFrom) throws IOException {
        Path file = dir.resolve(FILE_NAME);
        Map<LocalDate, Map<String, Spend>> days = new TreeMap<>();
        if (Files.exists(file)) {
            try {
                days = replay(Files.readAllLines(file, StandardCharsets.UTF_8));
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.WARNING, "cannot read the budget journal " + file + " (" + e.getMessage() + "); it is moved to "
                        + file.getFileName() + ".unreadable and the budget counts from the cost ledger");
                AtomicFile.moveAside(file);
                days = new TreeMap<>();
            }
        }
        days.keySet().removeIf(day -> day.isBefore(keepFrom));
        SpendingJournal journal = new SpendingJournal(file, days, null);
        journal.rewrite(days, Map.of());
        return journal;
    }

    /**
     * Replaces the journal by its compact form: each day's spending by caller, and the reservations still under way
     * (whose settlements are yet to come), written through {@link AtomicFile}; appends go on after it.
     */
    synchronized void rewrite(Map<LocalDate, Map<String, Spend>> spent, Map<Long, Reserved> underWay) throws IOException {
        StringBuilder compacted = new StringBuilder();
        spent.forEach((day, callers) -> callers.forEach((caller, spend) -> {
            ObjectNode line = JSON.createObjectNode().put("t", day.toString()).put("caller", caller);
            compacted.append(amount(line, spend)).append('\n');
        }));
        underWay.forEach((id, held) -> compacted.append(amount(JSON.createObjectNode().put("r", id)
                .put("day", held.day().toString()).put("caller", held.caller()), held.estimate())).append('\n'));
        AtomicFile.write(file, compacted.toString().getBytes(StandardCharsets.UTF_8));
        FileChannel replaced = out;
        out = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        appended = 0;
        if (replaced != null) {
            replaced.close();
        }
    }

    /** Lines appended since the journal was last compacted. */
    synchronized long appended() {
        return appended;
    }

    /** What the journal held when opened: spending by day and caller, unsettled reservations at their estimate. */
    Map<LocalDate, Map<String, Spend>> replayed() {
        return replayed;
    }

    /** Writes and forces a reservation. */
    void reserved(long id, LocalDate day, String caller, Spend estimate) throws IOException {
        append(amount(JSON.createObjectNode().put("r", id).put("day", day.toString()).put("caller", caller), estimate));
    }

    /** Writes and forces the settlement of reservation {@code id}: what the call cost (0 when it failed). */
    void settled(long id, Spend actual) throws IOException {
        append(amount(JSON.createObjectNode().put("s", id), actual));
    }

    private synchronized void append(ObjectNode line) throws IOException {
        if (out == null) {
            throw new IOException("the budget journal " + file + " is closed");
        }
        ByteBuffer bytes = ByteBuffer.wrap((line.toString() + "\n").getBytes(StandardCharsets.UTF_8));
        while (bytes.hasRemaining()) {
            out.write(bytes);
        }
        out.force(false);
        appended++;
    }

    @Override
    public synchronized void close() {
        try {
            if (out != null) {
                out.close();
            }
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot close the budget journal " + file + ": " + e.getMessage());
        } finally {
            out = null;
        }
    }

    /** A reservation: what a call of {@code caller} on {@code day} may cost at most. */
    record Reserved(LocalDate day, String caller, Spend estimate) {
    }

    static Map<LocalDate, Map<String, Spend>> replay(Iterable<String> lines) {
        Map<LocalDate, Map<String, Spend>> days = new TreeMap<>();
        Map<Long, Reserved> open = new HashMap<>();
        int skipped = 0;
        for (String text : lines) {
            if (text.isBlank()) {
                continue;
            }
            try {
                JsonNode line = JSON.readTree(text);
                if (line.has("t")) {
                    add(days, LocalDate.parse(line.path("t").asText()), line.path("caller").asText(), amount(line));
                } else if (line.has("r")) {
                    open.put(line.path("r").asLong(), new Reserved(LocalDate.parse(line.path("day").asText()),
                            line.path("caller").asText(), amount(line)));
                } else if (line.has("s")) {
                    Reserved held = open.remove(line.path("s").asLong());
                    if (held != null) {
                        add(days, held.day(), held.caller(), amount(line));
                    }
                }
            } catch (IOException | RuntimeException e) {
                skipped++; // a line torn by a crash mid-write
            }
        }
        if (skipped > 0) {
            LOG.log(Level.WARNING, "the budget journal had " + skipped + " unreadable line(s), skipped");
        }
        open.values().forEach(held -> add(days, held.day(), held.caller(), held.estimate()));
        return days;
    }

    private static void add(Map<LocalDate, Map<String, Spend>> days, LocalDate day, String caller, Spend spend) {
        days.computeIfAbsent(day, d -> new HashMap<>()).merge(caller, spend, Spend::plus);
    }

    private static ObjectNode amount(ObjectNode line, Spend spend) {
        return line.put("usd", spend.usd().toPlainString()).put("tokens", spend.tokens());
    }

    private static Spend amount(JsonNode line) {
        return new Spend(new BigDecimal(line.path("usd").asText()), line.path("tokens").asLong());
    }
}
