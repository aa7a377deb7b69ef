package dev.modelcache.launcher;

import dev.modelcache.config.ConfigKeys;
import dev.modelcache.config.Settings;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What {@code java -jar modelcache.war help}, {@code -h}, {@code --help}, {@code help <command>} and
 * {@code <command> --help} print: the usage, and for the proxy and each command the settings it reads, named as
 * {@link ConfigKeys} names them (environment variable, key, default), so that the help cannot drift from the code.
 */
final class CommandHelp {
    static final String USAGE = String.join("\n",
            "usage: java -jar modelcache.war                 run the proxy",
            "       java -jar modelcache.war export --to DIR [--namespace N] [--model GLOB] [--path PREFIX] [--clean] [--progress]",
            "       java -jar modelcache.war import --from DIR [--namespace N] [--progress]",
            "       java -jar modelcache.war help [export|import|help]   (or -h, --help, <command> --help)");
    /** Words that ask for help; {@code help} itself takes a command after it. */
    static final List<String> HELP_WORDS = List.of("help", "--help", "-h");

    /** The settings export reads (the key recipe, the cache's records and their lifetime); import's below. */
    static final List<ConfigKeys> EXPORT_SETTINGS = List.of(ConfigKeys.CACHE_DIR, ConfigKeys.CACHE_TTL,
            ConfigKeys.CACHE_IGNORE_FIELDS, ConfigKeys.CACHE_SHARED, ConfigKeys.CONFIG_ALLOW_UNKNOWN);
    static final List<ConfigKeys> IMPORT_SETTINGS = List.of(ConfigKeys.CACHE_DIR, ConfigKeys.CACHE_IGNORE_FIELDS,
            ConfigKeys.CACHE_SHARED, ConfigKeys.CACHE_MAX_ENTRY_MB, ConfigKeys.MAX_BODY_BYTES, ConfigKeys.CONFIG_ALLOW_UNKNOWN);

    private static final String SOURCES = String.join("\n",
            "Each is read from the environment variable shown or the system property -Dmodelcache.<key, / as .>;",
            "all but the launcher's own (" + Arrays.stream(ConfigKeys.values()).filter(key -> !key.appliesToWebapp())
                    .map(ConfigKeys::key).collect(Collectors.joining(", ")) + ") also from the context file",
            "(WEB-INF/launcher/context.xml, or -Dmodelcache.contextFile=FILE). The README's Settings table says more.");
    private static final String PROGRESS = String.join("\n",
            "  --progress      show the count and rate on one rewritten line also when the output is not a terminal",
            "                  (on a terminal it is shown anyway; without this, never in a pipe or a log)");

    private CommandHelp() {
    }

    /**
     * The topic asked for: empty for none (run the command), {@code ""} for the general help, else a command's name
     * (known or not: {@link #text} tells).
     */
    static Optional<String> topic(String[] args) {
        if (HELP_WORDS.contains(args[0])) {
            String topic = args.length > 1 ? args[1] : "";
            return Optional.of(HELP_WORDS.contains(topic) ? "help" : topic);
        }
        return Arrays.stream(args).skip(1).anyMatch(arg -> arg.equals("--help") || arg.equals("-h"))
                ? Optional.of(args[0]) : Optional.empty();
    }

    /** The help on {@code topic} ({@code ""}: general), or empty when there is no such command. */
    static Optional<String> text(String topic) {
        return Optional.ofNullable(switch (topic) {
            case "" -> String.join("\n", USAGE, "",
                    "Without a command it runs the proxy: http://localhost:8080/v1 (see the README's two commands).",
                    "Stop it with Ctrl-C or SIGTERM; a start that cannot go on exits with 1 and its reason on one line.",
                    "", "The proxy reads these settings (provider fields stand for each provider <NAME>):",
                    settings(Arrays.asList(ConfigKeys.values())), SOURCES);
            case "export" -> String.join("\n", "usage: java -jar modelcache.war export --to DIR [--namespace N] [--model GLOB]"
                            + " [--path PREFIX] [--clean] [--progress]",
                    "Writes the cache's entries as cassettes into DIR: readable record files, one per entry, for",
                    "partition shared. It reads the record files of cache/dir, also while a proxy runs on it.",
                    "  --namespace N   only the entries of namespace N ('' for those in no namespace)",
                    "  --model GLOB    only entries for models matching GLOB, such as gpt-4o*",
                    "  --path PREFIX   only requests whose path starts with PREFIX, such as /v1/chat",
                    "  --clean         delete the cassettes of the selection in DIR that this export did not write",
                    PROGRESS,
                    "Ends with a summary line; exit 0 done, 1 failed, 2 bad arguments.",
                    "", "It reads these settings:", settings(EXPORT_SETTINGS), SOURCES);
            case "import" -> String.join("\n", "usage: java -jar modelcache.war import --from DIR [--namespace N] [--progress]",
                    "Stores every .mcr file below DIR into the record files of cache/dir, for partition shared; a proxy",
                    "running on the same folder serves them from its next look-up, without a restart.",
                    "  --namespace N   store them in namespace N instead of each file's own",
                    PROGRESS,
                    "Ends with a summary line; exit 0 done, 1 failed or some files refused (each named), 2 bad arguments.",
                    "", "It reads these settings:", settings(IMPORT_SETTINGS), SOURCES);
            case "help" -> String.join("\n", USAGE, "help prints this; help COMMAND or COMMAND --help a command's help,"
                    + " with the settings it reads. It reads no setting.");
            default -> null;
        });
    }

    /** One line per setting: its environment variable, its key and its default (none for a secret's). */
    static String settings(List<ConfigKeys> keys) {
        StringBuilder out = new StringBuilder();
        for (ConfigKeys key : keys) {
            String defaultText = key.defaultText().replace("`", "");
            String about = (key.secret() ? "a secret; " : "") + (defaultText.startsWith("—") ? "required" : "default " + defaultText);
            out.append(String.format(Locale.ROOT, "  %-40s %-26s %s%n", Settings.environmentName(key.key()), key.key(), about));
        }
        return out.toString().stripTrailing();
    }
}
