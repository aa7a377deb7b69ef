package dev.modelcache.billing;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelcache.cache.OwnerOnly;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The ledger on disk, {@code <cache dir>/ledger.json}: {@code {"version":1,"days":{"2026-12-03":[{"provider",
 * "model","caller","spent":{...},"saved":{...}}]}}}, one bucket per UTC day. Written whole to a temporary file
 * (owner-only, 0600), forced to disk and moved over the old one, so a crash leaves the old or the new ledger, never
 * half of one.
 */
final class LedgerFile {
    static final String FILE_NAME = "ledger.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    private LedgerFile() {
    }

    static byte[] encode(SortedMap<LocalDate, Map<CostLedger.Line, CostLedger.Account>> days) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", 1);
        ObjectNode byDay = root.putObject("days");
        days.forEach((day, lines) -> {
            ArrayNode bucket = byDay.putArray(day.toString());
            lines.forEach((line, account) -> {
                ObjectNode row = bucket.addObject();
                row.put("provider", line.provider());
                row.put("model", line.model());
                row.put("caller", line.caller());
                row.set("spent", account.spent.toJson());
                row.set("saved", account.saved.toJson());
            });
        });
        return JSON.writeValueAsBytes(root);
    }

    static SortedMap<LocalDate, Map<CostLedger.Line, CostLedger.Account>> decode(byte[] bytes) throws IOException {
        JsonNode root = JSON.readTree(bytes);
        if (root == null || root.path("version").asInt() != 1 || !root.path("days").isObject()) {
            throw new IOException("not a version 1 ledger");
        }
        SortedMap<LocalDate, Map<CostLedger.Line, CostLedger.Account>> days = new TreeMap<>();
        Iterator<Map.Entry<String, JsonNode>> buckets = root.path("days").fields();
        while (buckets.hasNext()) {
            Map.Entry<String, JsonNode> bucket = buckets.next();
            Map<CostLedger.Line, CostLedger.Account> lines = new HashMap<>();
            for (JsonNode row : bucket.getValue()) {
                CostLedger.Account account = new CostLedger.Account();
                account.spent.add(CostTally.fromJson(row.path("spent")));
                account.saved.add(CostTally.fromJson(row.path("saved")));
                lines.put(new CostLedger.Line(row.path("provider").asText(), row.path("model").asText(),
                        row.path("caller").asText()), account);
            }
            days.put(LocalDate.parse(bucket.getKey()), lines);
        }
        return days;
    }

    /** Replaces {@code file} with {@code bytes}, durably. */
    static void write(Path file, byte[] bytes) throws IOException {
        Path folder = file.toAbsolutePath().getParent();
        Path temp = folder.resolve(FILE_NAME + ".tmp");
        Files.deleteIfExists(temp);
        Set<StandardOpenOption> options = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        FileAttribute<?>[] ownerOnly = folder.getFileSystem().supportedFileAttributeViews().contains("posix")
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OwnerOnly.FILE)} : new FileAttribute<?>[0];
        try (FileChannel out = FileChannel.open(temp, options, ownerOnly)) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                out.write(buffer);
            }
            out.force(true);
        }
        try {
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
        }
        try (FileChannel dir = FileChannel.open(folder, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException e) {
            // Not every file system lets a folder be forced; the move itself is done.
        }
    }
}
