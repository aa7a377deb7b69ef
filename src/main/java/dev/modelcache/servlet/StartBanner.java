package dev.modelcache.servlet;

import dev.modelcache.ModelCache;
import dev.modelcache.config.BuildVersion;
import dev.modelcache.config.ReplayConfig;
import dev.modelcache.files.RegularFiles;
import dev.modelcache.provider.ModelProvider;
import dev.modelcache.store.RecordFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The one line that says what runs, logged once when the application has started (in a container as under a
 * launcher): the build's version, the mode, {@code shared}, the policy, each cassette folder with its entry count,
 * the cache folder, the providers and where the dashboard is. A CI log then proves that replay was on, with which
 * cassettes, before any test ran.
 */
public final class StartBanner {
    private StartBanner() {
    }

    /** The banner of {@code app}, served under {@code contextPath} ({@code ""} for the root). */
    public static String of(ModelCache app, String contextPath) {
        ReplayConfig replay = app.config().replay();
        List<String> providers = app.providers().providers().stream().map(ModelProvider::name).toList();
        return "ModelCache " + BuildVersion.current() + " started: mode " + replay.mode().label()
                + ", shared " + replay.shared()
                + ", policy " + (replay.deterministicOnly() ? "deterministic-only" : "all")
                + ", cassettes " + cassettes(replay.cassettes())
                + "; cache folder " + app.config().cache().dir().toAbsolutePath()
                + "; providers " + String.join(", ", providers) + " (default " + app.config().providers().defaultProvider() + ")"
                + "; dashboard at " + contextPath + "/_cache/";
    }

    private static String cassettes(List<Path> folders) {
        if (folders.isEmpty()) {
            return "none";
        }
        List<String> parts = new ArrayList<>();
        for (Path folder : folders) {
            parts.add(folder.toAbsolutePath() + " (" + entries(folder) + ")");
        }
        return parts.stream().collect(Collectors.joining(", "));
    }

    /** The record files below {@code folder}: the cassettes loaded from it (the start already refused a bad one). */
    private static String entries(Path folder) {
        try {
            long count = RegularFiles.below(folder).stream().filter(name -> name.endsWith(RecordFile.SUFFIX)).count();
            return count + (count == 1 ? " entry" : " entries");
        } catch (IOException e) {
            return "entries not counted: " + e.getMessage();
        }
    }
}
