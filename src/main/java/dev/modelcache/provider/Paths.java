package dev.modelcache.provider;

import java.util.List;

/** Path prefixes as whole segments: {@code /v1/files} covers {@code /v1/files} and {@code /v1/files/x}, not {@code /v1/filesystem}. */
final class Paths {
    private Paths() {
    }

    static boolean under(String path, String prefix) {
        return path.equals(prefix) || path.startsWith(prefix + "/");
    }

    static boolean underAny(String path, List<String> prefixes) {
        for (String prefix : prefixes) {
            if (under(path, prefix)) {
                return true;
            }
        }
        return false;
    }
}
