package dev.modelcache.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code wrk} (Debian's, closed loop: each connection sends its next request when the last answer is in) with one
 * thread on the load core, and reads what its Lua {@code done} hook prints as one JSON line: requests per second,
 * latency percentiles (wrk's {@code --latency} histogram) and errors, non-2xx answers included.
 */
final class BenchWrk {
    /** One wrk run: throughput, latencies in milliseconds, and errors of any kind. */
    record Run(double perSecond, double p50Millis, double p99Millis, long requests, long errors) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<String> pin;
    private final Path work;

    /** {@code pin} is the {@code taskset -c N} prefix for the load core, or empty. */
    BenchWrk(List<String> pin, Path work) {
        this.pin = pin;
        this.work = work;
    }

    /** A Lua script that POSTs {@code body} (null: a plain GET) with {@code headers}, and reports as JSON. */
    Path script(String name, Path body, String... headers) throws IOException {
        StringBuilder lua = new StringBuilder();
        if (body != null) {
            lua.append("wrk.method = \"POST\"\n")
                    .append("local f = assert(io.open(\"").append(body.toAbsolutePath()).append("\", \"rb\"))\n")
                    .append("wrk.body = f:read(\"*a\")\nf:close()\n");
        }
        for (String header : headers) {
            int colon = header.indexOf(':');
            lua.append("wrk.headers[\"").append(header, 0, colon).append("\"] = \"")
                    .append(header.substring(colon + 1).trim()).append("\"\n");
        }
        lua.append("""
                done = function(summary, latency, requests)
                  local e = summary.errors
                  io.write(string.format('{"requests":%d,"duration_us":%d,"p50_us":%d,"p99_us":%d,"errors":%d}\\n',
                    summary.requests, summary.duration, latency:percentile(50.0), latency:percentile(99.0),
                    e.connect + e.read + e.write + e.status + e.timeout))
                end
                """);
        Path script = work.resolve(name + ".lua");
        Files.writeString(script, lua, StandardCharsets.UTF_8);
        return script;
    }

    Run run(String url, Path script, int connections, double seconds) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(pin);
        command.addAll(List.of("wrk", "-t1", "-c" + connections, "-d" + Math.max(1, Math.round(seconds)) + "s",
                "--timeout", "10s", "--latency", "-s", script.toString(), url));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor((long) seconds + 60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IOException("wrk failed: " + output);
        }
        String line = output.lines().filter(l -> l.startsWith("{\"requests\"")).reduce((a, b) -> b)
                .orElseThrow(() -> new IOException("wrk printed no summary: " + output));
        JsonNode summary = JSON.readTree(line);
        double duration = summary.get("duration_us").asDouble() / 1e6;
        long requests = summary.get("requests").asLong();
        return new Run(requests / duration, summary.get("p50_us").asDouble() / 1000,
                summary.get("p99_us").asDouble() / 1000, requests, summary.get("errors").asLong());
    }
}
