package dev.modelcache.launcher;

import dev.modelcache.cache.CacheKeyFactory;
import dev.modelcache.store.RecordFile;
import dev.modelcache.config.CommandConfig;
import dev.modelcache.config.ConfigException;
import dev.modelcache.config.Settings;
import dev.modelcache.config.UnknownSettings;
import dev.modelcache.files.OwnerOnly;
import dev.modelcache.replay.cassette.CassetteFilter;
import dev.modelcache.replay.cassette.CassetteStore;
import dev.modelcache.replay.cassette.CassetteHeaders;
import dev.modelcache.replay.cassette.Cassettes;
import dev.modelcache.replay.cassette.ExportResult;
import dev.modelcache.replay.cassette.ImportLimits;
import dev.modelcache.replay.cassette.ImportResult;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The commands of {@code java -jar modelcache.war <command>}: {@code export} and {@code import} of cassettes (see
 * {@link Cassettes}), on the configured cache folder ({@code cache/dir}, read from the same layers as the proxy:
 * the context file, system properties {@code modelcache.*}, environment {@code MODELCACHE_*}). They work on the
 * record files directly and never open Ehcache, so they run beside a proxy serving the same folder: an export
 * reads the record files, an import writes them atomically (0600 files, 0700 folders) and the proxy serves them at
 * their first look-up. Exit codes: 0 done, 1 failed (or some files refused by an import), 2 bad arguments.
 *
 * <p>{@code help}, {@code -h}, {@code --help}, {@code help <command>} and {@code <command> --help} print the usage
 * and the settings each reads ({@link CommandHelp}). On a terminal, or with {@code --progress}, an export or import
 * shows its progress on one rewritten line ({@link Progress}); each ends with one summary line on standard output.
 */
public final class Commands {
    static final String USAGE = CommandHelp.USAGE;
    private static final Map<String, Set<String>> OPTIONS = Map.of(
            "export", Set.of("--to", "--namespace", "--model", "--path", "--clean", "--progress"),
            "import", Set.of("--from", "--namespace", "--progress"));
    /** Options without a value. */
    private static final Set<String> FLAGS = Set.of("--clean", "--progress");

    private Commands() {
    }

    /** Called by {@link WarMain} in the launcher class loader; the settings come from the WAR's context file. */
    public static int run(String[] args, Path docBase) {
        String contextFile = System.getProperty("modelcache.contextFile");
        Path file = contextFile != null ? Path.of(contextFile) : docBase.resolve(Launcher.WAR_CONTEXT_FILE);
        try {
            return run(args, Settings.layered(ContextEnvironment.read(file), System.getProperties(), System.getenv()),
                    System.out, System.err, terminal(), Clock.systemUTC());
        } catch (IOException e) {
            System.err.println("ModelCache: " + e.getMessage());
            return 1;
        }
    }

    /** Runs one command with the given settings, its output not a terminal; returns the exit code. */
    public static int run(String[] args, Settings settings, PrintStream out, PrintStream err) {
        return run(args, settings, out, err, false, Clock.systemUTC());
    }

    /**
     * The same; {@code terminal} says that {@code out} is one (then an export or import shows its progress, see
     * {@link Progress}), {@code clock} times it.
     */
    static int run(String[] args, Settings settings, PrintStream out, PrintStream err, boolean terminal, Clock clock) {
        if (args.length == 0) {
            err.println(USAGE);
            return 2;
        }
        Optional<String> topic = CommandHelp.topic(args);
        if (topic.isPresent()) {
            Optional<String> help = CommandHelp.text(topic.get());
            if (help.isEmpty()) {
                err.println("ModelCache: unknown command '" + topic.get() + "'");
                err.println(USAGE);
                return 2;
            }
            out.println(help.get());
            return 0;
        }
        Map<String, String> options;
        try {
            options = options(args);
            Cassettes.checkNamespace(options.get("--namespace"));
        } catch (IllegalArgumentException e) {
            err.println("ModelCache: " + e.getMessage());
            err.println(USAGE);
            return 2;
        }
        try {
            UnknownSettings.check(settings);
            CommandConfig config = CommandConfig.from(settings);
            Progress progress = new Progress(args[0] + "ing", out, Progress.live(options.containsKey("--progress"), terminal), clock);
            return args[0].equals("export") ? export(config, options, progress, out, err)
                    : importFrom(config, options, progress, out, err);
        } catch (IOException | ConfigException e) {
            err.println("ModelCache: " + e.getMessage());
            return 1;
        }
    }

    /** The options after the command, checked against those it knows; fails for an unknown command or option. */
    static Map<String, String> options(String[] args) {
        Set<String> known = OPTIONS.get(args[0]);
        if (known == null) {
            throw new IllegalArgumentException("unknown command '" + args[0] + "'");
        }
        Map<String, String> options = new HashMap<>();
        for (int i = 1; i < args.length; i++) {
            String name = args[i];
            if (!known.contains(name)) {
                throw new IllegalArgumentException("'" + name + "' is not an option of " + args[0]);
            }
            if (FLAGS.contains(name)) {
                options.put(name, "");
            } else if (i + 1 < args.length) {
                options.put(name, args[++i]);
            } else {
                throw new IllegalArgumentException(name + " needs a value");
            }
        }
        String folder = args[0].equals("export") ? "--to" : "--from";
        if (!options.containsKey(folder) || options.get(folder).isBlank()) {
            throw new IllegalArgumentException(args[0] + " needs " + folder + " DIR");
        }
        return options;
    }

    private static int export(CommandConfig config, Map<String, String> options, Progress progress, PrintStream out,
                              PrintStream err) throws IOException {
        Path records = records(config);
        if (!Files.isDirectory(records)) {
            throw new IOException("no record folder at " + records.toAbsolutePath() + " (cache/dir is " + config.cache().dir() + ")");
        }
        Path to = Path.of(options.get("--to"));
        CassetteFilter filter = new CassetteFilter(options.get("--namespace"), options.get("--model"), options.get("--path"));
        try (CassetteStore store = CassetteStore.ofRecords(records, config.cache().ttl())) {
            ExportResult result;
            try {
                result = Cassettes.export(new CountingStore(store, progress), filter, to, keys(config),
                        options.containsKey("--clean"), new CassetteHeaders(config.replay().cassetteDropHeaders()));
            } finally {
                progress.finish();
            }
            result.skipped().forEach(reason -> err.println("skipped " + reason));
            out.println("exported " + result.exported() + " entries to " + to + " (" + result.written() + " written, "
                    + result.unchanged() + " unchanged, " + result.removed() + " removed, " + result.skipped().size()
                    + " skipped; " + progress.totals() + ")");
        }
        return 0;
    }

    private static int importFrom(CommandConfig config, Map<String, String> options, Progress progress, PrintStream out,
                                  PrintStream err) throws IOException {
        Path records = OwnerOnly.createDirectories(records(config));
        Path from = Path.of(options.get("--from"));
        ImportResult result;
        try {
            result = Cassettes.importFrom(from, (key, request, response) -> {
                RecordFile.write(RecordFile.pathIn(records, key), key, request, response);
                progress.entry(response.bodyLength());
                return true;
            }, keys(config), options.get("--namespace"), ImportLimits.forRecords(config.cache().maxEntryBytes(),
                    config.server().maxBodyBytes()));
        } finally {
            progress.finish();
        }
        result.refused().forEach(refusal -> err.println("refused " + refusal));
        out.println("imported " + result.imported() + " entries from " + from + " into " + records + " ("
                + result.refused().size() + " refused, " + result.skipped().size() + " other files skipped; "
                + progress.totals() + ")");
        return result.refused().isEmpty() ? 0 : 1;
    }

    /**
     * Whether standard output is a terminal: {@code System.console()} is null when it is redirected (Java 17 to
     * 21); from Java 22 a console exists regardless, and its {@code isTerminal()} tells.
     */
    static boolean terminal() {
        java.io.Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException e) {
            return true;
        }
    }

    private static Path records(CommandConfig config) {
        return config.cache().dir().resolve("records");
    }

    /**
     * The proxy's key recipe: its ignored fields and sharing. The salt only hashes credentials, which a record
     * never carries: keying a record does not use it, so the installation's salt is not read.
     */
    private static CacheKeyFactory keys(CommandConfig config) {
        return new CacheKeyFactory(new byte[0], config.replay().ignoreFields(), config.replay().shared());
    }
}
