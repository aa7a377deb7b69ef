package dev.modelcache.launcher;

import dev.modelcache.config.CacheConfig;
import dev.modelcache.config.ConfigException;
import dev.modelcache.config.ConfigKeys;
import dev.modelcache.config.ConfigReader;
import dev.modelcache.config.Settings;
import dev.modelcache.files.AtomicFile;
import dev.modelcache.files.OwnerOnly;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * No open door by accident: a launcher that listens beyond this machine ({@code host} 0.0.0.0, ::, a LAN address)
 * while no {@code admin/token} is configured gets one, as Jupyter does, instead of serving the admin endpoints
 * (entries with their prompts, export, mode, deletion) to the network. The token is made once, 32 random bytes in
 * hex, and kept in {@code <cache dir>/admin-token} (owner-only, 0600), so a restart keeps it and a dashboard tab that
 * holds it goes on working; the start banner says where the file is, never the token (credentials stay out of
 * logs). A token configured as {@code admin/token} ({@code MODELCACHE_ADMIN_TOKEN}) is used as it is and no file is
 * made; a loopback launcher needs none. Only the launchers add this layer: in a container the deployer decides.
 */
final class OpenBindToken implements UnaryOperator<Settings> {
    static final String FILE_NAME = "admin-token";
    private static final int MIN_CHARS = 32;

    private final String host;
    private volatile Path file;

    OpenBindToken(String host) {
        this.host = host;
    }

    @Override
    public Settings apply(Settings settings) {
        file = null;
        if (ServerSettings.address(host).isLoopbackAddress() || settings.get(ConfigKeys.ADMIN_TOKEN).isPresent()) {
            return settings;
        }
        Path tokenFile = new ConfigReader(settings).path(ConfigKeys.CACHE_DIR, CacheConfig.defaultDir()).resolve(FILE_NAME);
        String token = loadOrCreate(tokenFile);
        file = tokenFile;
        return settings.withDefaults(Map.of(ConfigKeys.ADMIN_TOKEN.key(), token));
    }

    /** The file the token came from, when this launcher made or reused one (for the start banner). */
    Optional<Path> file() {
        return Optional.ofNullable(file);
    }

    /** The token in {@code file}, made first (0600, in a 0700 folder) when there is none. */
    static String loadOrCreate(Path file) {
        try {
            OwnerOnly.createDirectories(file.getParent());
            if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                byte[] random = new byte[32];
                new SecureRandom().nextBytes(random);
                // When another launcher on the same folder made it first, theirs is used.
                AtomicFile.create(file, (HexFormat.of().formatHex(random) + "\n").getBytes(StandardCharsets.US_ASCII));
            }
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                throw new IOException("it is not a regular file");
            }
            OwnerOnly.restrict(file);
            String token = Files.readString(file, StandardCharsets.UTF_8).trim();
            if (token.length() < MIN_CHARS || token.chars().anyMatch(c -> c <= ' ' || c == 0x7f)) {
                throw new IOException("it holds no usable token (delete it to have a new one made)");
            }
            return token;
        } catch (IOException e) {
            throw new ConfigException(ConfigKeys.ADMIN_TOKEN.key(), "is not set and the launcher listens beyond this machine, but the"
                    + " token file " + file.toAbsolutePath() + " cannot be used (" + e.getClass().getSimpleName() + ": "
                    + e.getMessage() + "); set the key, or bind 127.0.0.1");
        }
    }
}
